import type { Kysely } from 'kysely';
import type { Database, TenantRow } from '../db/database';
import { readTenantSettings, type TenantSettings } from './tenant-settings';

export interface Tenant {
  id: string;
  name: string;
  timezone: string;
  settings: TenantSettings;
}

/** A tenant from its row's columns (created_at is not needed). */
export function toTenant(row: Omit<TenantRow, 'created_at'>): Tenant {
  return {
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    settings: readTenantSettings(row.settings),
  };
}

export async function findTenant(db: Kysely<Database>, id: string): Promise<Tenant | undefined> {
  const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toTenant(row);
}

/** Creates the tenant unless it exists; returns it either way. */
export async function ensureTenant(
  db: Kysely<Database>,
  tenant: { id: string; name?: string; timezone?: string; settings?: Record<string, unknown> },
): Promise<Tenant> {
  await db
    .insertInto('tenants')
    .values({
      id: tenant.id,
      name: tenant.name ?? tenant.id,
      timezone: tenant.timezone ?? 'UTC',
      settings: JSON.stringify(tenant.settings ?? {}),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const found = await findTenant(db, tenant.id);
  if (!found) throw new Error(`tenant ${tenant.id} vanished`);
  return found;
}
