import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

/**
 * action_ledger: one row per plan step counted against its tenant's action
 * rates, keyed by workflow and step so a retried or repeated reservation
 * counts once. `ran` is false while the row only holds a place the API
 * reserved at submission, true once the step's own reservation took it.
 *
 * api_request_counts: requests per key per one-minute window, shared by
 * every API process.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('action_ledger')
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('ran', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('action_ledger_pkey', ['workflow_id', 'step_index'])
    .execute();
  await db.schema
    .createIndex('action_ledger_by_tenant_at')
    .on('action_ledger')
    .columns(['tenant_id', 'at'])
    .execute();

  await db.schema
    .createTable('api_request_counts')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('requests', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('api_request_counts_pkey', ['key', 'window_start'])
    .execute();
  await sql`create index api_request_counts_by_window on api_request_counts (window_start)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_request_counts').execute();
  await db.schema.dropTable('action_ledger').execute();
}
