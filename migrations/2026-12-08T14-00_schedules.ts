import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

/**
 * Recurring plans. A schedule row holds what each run submits (a plan or an
 * intent) and is the twin of a Temporal Schedule of the same id; a run row
 * records, once per scheduled run, which plan (or which refusal) it made.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('schedules')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('plan', 'jsonb')
    .addColumn('intent', 'jsonb')
    .addColumn('schedule', 'text', (c) => c.notNull())
    .addColumn('timing', 'jsonb', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('start_at', 'timestamptz')
    .addColumn('end_at', 'timestamptz')
    .addColumn('overlap', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'jsonb', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('request_hash', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('schedules_plan_or_intent', sql`(plan is null) <> (intent is null)`)
    .execute();
  await sql`create unique index schedules_idempotency on schedules (tenant_id, idempotency_key) where idempotency_key is not null`.execute(
    db,
  );
  await sql`create index schedules_tenant_page on schedules (tenant_id, created_at desc, id desc)`.execute(
    db,
  );
  await db.schema
    .createTable('schedule_runs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('schedule_id', 'uuid', (c) =>
      c.notNull().references('schedules.id').onDelete('cascade'),
    )
    .addColumn('run_key', 'text', (c) => c.notNull().unique())
    .addColumn('plan_id', 'uuid')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('error', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index schedule_runs_recent on schedule_runs (schedule_id, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('schedule_runs').execute();
  await db.schema.dropTable('schedules').execute();
}
