import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { hashKey, parseKeyId, sameHash } from './auth/api-key';
import { createApiKey, findApiKey } from './auth/api-keys-repository';
import type { Database } from './db/database';

export interface DevCredentials {
  tenant: string;
  key: string;
  /** The development operator key, or the configured one (which is never written to the file). */
  operatorKey: string;
  /** Whether a new admin key was made this time. */
  created: boolean;
}

function readFile(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * `npm start`'s credentials: reuses the admin key in `path` while it still works
 * for `tenant`, else makes one; keeps a development operator key there unless
 * one is configured. Writes `{"tenant","key","operator_key"}` with mode 0600.
 */
export async function ensureDevCredentials(
  db: Kysely<Database>,
  input: {
    path: string;
    tenant: string;
    pepper: string;
    configuredOperatorKey?: string;
    now?: Date;
  },
): Promise<DevCredentials> {
  const file = readFile(input.path);
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  let key = text(file.key);
  const id = key ? parseKeyId(key) : undefined;
  const row = id ? await findApiKey(db, id) : undefined;
  const now = input.now ?? new Date();
  const works =
    key !== undefined &&
    row !== undefined &&
    row.tenant_id === input.tenant &&
    row.role === 'admin' &&
    !row.revoked_at &&
    !(row.expires_at && row.expires_at <= now) &&
    sameHash(hashKey(key, input.pepper), row.hash);
  let created = false;
  if (!works || !key) {
    key = (
      await createApiKey(db, input.pepper, {
        tenant: input.tenant,
        role: 'admin',
        name: 'development',
      })
    ).key;
    created = true;
  }
  const saved = text(file.operator_key);
  const operatorKey =
    input.configuredOperatorKey ??
    (saved && saved.length >= 32 ? saved : randomBytes(32).toString('base64url'));
  writeFileSync(
    input.path,
    `${JSON.stringify(
      {
        tenant: input.tenant,
        key,
        ...(input.configuredOperatorKey ? {} : { operator_key: operatorKey }),
      },
      null,
      2,
    )}\n`,
    { mode: 0o600 },
  );
  chmodSync(input.path, 0o600);
  return { tenant: input.tenant, key, operatorKey, created };
}
