import { sql, type Kysely } from 'kysely';
import type { ApiKeyRow, Database } from '../db/database';
import { toTenant, type Tenant } from '../tenants/tenants-repository';
import { generateKey, hashKey, prefixOf, type Role } from './api-key';

/** A key as lists show it: never its hash. */
export interface KeyView {
  id: string;
  prefix: string;
  tenant: string;
  role: Role;
  name: string | null;
  /** The user the key acts for, or null. */
  user: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function keyView(row: ApiKeyRow): KeyView {
  return {
    id: row.id,
    prefix: prefixOf(row.id),
    tenant: row.tenant_id,
    role: row.role,
    name: row.name,
    user: row.user_id,
    created_at: row.created_at.toISOString(),
    expires_at: iso(row.expires_at),
    revoked_at: iso(row.revoked_at),
    last_used_at: iso(row.last_used_at),
  };
}

export async function createApiKey(
  db: Kysely<Database>,
  pepper: string,
  input: {
    tenant: string;
    role: Role;
    name?: string | null;
    user?: string | null;
    expiresAt?: Date | null;
  },
): Promise<{ key: string; view: KeyView }> {
  const made = generateKey();
  const row = await db
    .insertInto('api_keys')
    .values({
      id: made.id,
      tenant_id: input.tenant,
      role: input.role,
      name: input.name ?? null,
      user_id: input.user ?? null,
      hash: hashKey(made.key, pepper),
      expires_at: input.expiresAt ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { key: made.key, view: keyView(row) };
}

export function findApiKey(db: Kysely<Database>, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A key's row with its tenant, in one round trip: every authenticated request needs both. */
export async function findApiKeyWithTenant(
  db: Kysely<Database>,
  id: string,
): Promise<{ key: ApiKeyRow; tenant: Tenant } | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
    .selectAll('api_keys')
    .select([
      'tenants.name as tenant_name',
      'tenants.timezone as tenant_timezone',
      'tenants.settings as tenant_settings',
    ])
    .where('api_keys.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { tenant_name, tenant_timezone, tenant_settings, ...key } = row;
  return {
    key,
    tenant: toTenant({
      id: key.tenant_id,
      name: tenant_name,
      timezone: tenant_timezone,
      settings: tenant_settings,
    }),
  };
}

export async function listApiKeys(db: Kysely<Database>, tenant: string): Promise<KeyView[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', tenant)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(keyView);
}

/** Revokes the tenant's key; undefined when the tenant has no such key. Revoking twice keeps the first time. */
export async function revokeApiKey(
  db: Kysely<Database>,
  tenant: string,
  id: string,
): Promise<KeyView | undefined> {
  const row = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`coalesce(revoked_at, date_trunc('milliseconds', now()))` })
    .where('tenant_id', '=', tenant)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && keyView(row);
}

/** At most one write a minute per key, so reads do not turn into a write each. */
export async function touchApiKey(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: sql<Date>`date_trunc('milliseconds', now())` })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('last_used_at', 'is', null),
        eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`),
      ]),
    )
    .execute();
}
