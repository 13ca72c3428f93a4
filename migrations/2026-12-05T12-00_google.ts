import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

/**
 * oauth_state_uses: the nonce of every Google OAuth state a callback has
 * taken, so a state works once; rows past their expiry are deleted as new
 * ones come, since an expired state is refused by its own signed expiry.
 *
 * google_calendar_changes: what a Google event was before each change Errand
 * made to it, keyed like every step (`<workflow id>#<step>`), written before
 * the change, so a retried change answers the same `previous` and its undo
 * restores what really was there.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const nowMs = sql`date_trunc('milliseconds', now())`;
  await db.schema
    .createTable('oauth_state_uses')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .execute();
  await db.schema
    .createIndex('oauth_state_uses_by_expiry')
    .on('oauth_state_uses')
    .column('expires_at')
    .execute();

  await db.schema
    .createTable('google_calendar_changes')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('calendar_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('previous', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addPrimaryKeyConstraint('google_calendar_changes_pkey', ['tenant_id', 'idempotency_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('google_calendar_changes').execute();
  await db.schema.dropTable('oauth_state_uses').execute();
}
