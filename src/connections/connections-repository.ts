import type { Kysely } from 'kysely';
import { open, seal, type KeyRing } from '../crypto/key-ring';
import type { ConnectionRow, Database } from '../db/database';

/** Providers a tenant can connect; one connection per provider. */
export const CONNECTION_PROVIDERS = ['sendgrid', 'google', 'twilio'] as const;
export type ConnectionProvider = (typeof CONNECTION_PROVIDERS)[number];

/** `failing`: the provider refused the credentials; `revoked`: the grant was withdrawn. */
export const CONNECTION_STATUSES = ['connected', 'revoked', 'failing'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** A connection without its secret: what may be shown. */
export interface ConnectionView {
  provider: ConnectionProvider;
  config: Record<string, unknown>;
  status: ConnectionStatus;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A connection with its secret opened, for the adapter that calls the provider. */
export interface OpenedConnection extends ConnectionView {
  secret: string;
}

const LAST_ERROR_CHARS = 500;

/** Binds a sealed secret to its row, so a secret copied to another tenant or provider does not open. */
const aad = (tenantId: string, provider: string) => Buffer.from(`${tenantId}\0${provider}`, 'utf8');

function toView(row: ConnectionRow): ConnectionView {
  return {
    provider: row.provider as ConnectionProvider,
    config: row.config,
    status: row.status as ConnectionStatus,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Connects (or reconnects) a provider: seals the secret under the ring's current key; status connected. */
export async function saveConnection(
  db: Kysely<Database>,
  ring: KeyRing,
  input: {
    tenantId: string;
    provider: ConnectionProvider;
    secret: string;
    config: Record<string, unknown>;
    now: Date;
  },
): Promise<ConnectionView> {
  const sealed = seal(ring, Buffer.from(input.secret, 'utf8'), aad(input.tenantId, input.provider));
  const values = {
    secret_kid: sealed.kid,
    secret: sealed.data,
    config: JSON.stringify(input.config),
    status: 'connected',
    last_error: null,
    updated_at: input.now,
  };
  const row = await db
    .insertInto('connections')
    .values({ tenant_id: input.tenantId, provider: input.provider, ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'provider']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toView(row);
}

/** The tenant's connections, without secrets, by provider. */
export async function listConnections(
  db: Kysely<Database>,
  tenantId: string,
): Promise<ConnectionView[]> {
  const rows = await db
    .selectFrom('connections')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('provider')
    .execute();
  return rows.map(toView);
}

export async function findConnection(
  db: Kysely<Database>,
  tenantId: string,
  provider: ConnectionProvider,
): Promise<ConnectionView | undefined> {
  const row = await connectionRow(db, tenantId, provider);
  return row && toView(row);
}

function connectionRow(db: Kysely<Database>, tenantId: string, provider: ConnectionProvider) {
  return db
    .selectFrom('connections')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('provider', '=', provider)
    .executeTakeFirst();
}

/** The connection with its secret opened; undefined when there is none. Throws OpenError when the key is gone. */
export async function openConnection(
  db: Kysely<Database>,
  ring: KeyRing,
  tenantId: string,
  provider: ConnectionProvider,
): Promise<OpenedConnection | undefined> {
  const row = await connectionRow(db, tenantId, provider);
  if (!row) return undefined;
  const secret = open(ring, { kid: row.secret_kid, data: row.secret }, aad(tenantId, provider));
  return { ...toView(row), secret: secret.toString('utf8') };
}

/** Records the connection's health: the provider refused it (`failing`), or it works again. */
export async function setConnectionStatus(
  db: Kysely<Database>,
  input: {
    tenantId: string;
    provider: ConnectionProvider;
    status: ConnectionStatus;
    lastError: string | null;
    now: Date;
  },
): Promise<void> {
  await db
    .updateTable('connections')
    .set({
      status: input.status,
      last_error: input.lastError?.slice(0, LAST_ERROR_CHARS) ?? null,
      updated_at: input.now,
    })
    .where('tenant_id', '=', input.tenantId)
    .where('provider', '=', input.provider)
    .execute();
}

/** Disconnects: the sealed secret is deleted, not kept. Returns whether there was a connection. */
export async function deleteConnection(
  db: Kysely<Database>,
  tenantId: string,
  provider: ConnectionProvider,
): Promise<boolean> {
  const result = await db
    .deleteFrom('connections')
    .where('tenant_id', '=', tenantId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
