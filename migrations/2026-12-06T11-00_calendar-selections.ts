import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

/**
 * calendar_selections: the meetings a batch step (`update_meeting` or
 * `cancel_meeting` with `all: true`) chose, written once under the step's key
 * (`<workflow id>#<step>`) before any of them is changed, so a retried step
 * works through the same meetings (a cancelled one no longer matches) and its
 * undo finds every one it changed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('calendar_selections')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('meetings', 'jsonb', (c) => c.notNull())
    .addColumn('truncated', 'boolean', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) =>
      c.notNull().defaultTo(sql`date_trunc('milliseconds', now())`),
    )
    .addPrimaryKeyConstraint('calendar_selections_pkey', ['tenant_id', 'idempotency_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calendar_selections').execute();
}
