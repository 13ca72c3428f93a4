import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('decisions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('planner', 'text')
    .addColumn('model', 'text')
    .addColumn('prompt', 'jsonb')
    .addColumn('response', 'jsonb')
    .addColumn('usage', 'jsonb')
    .addColumn('confidence', 'double precision')
    .addColumn('reasoning', 'text')
    .addColumn('warnings', 'jsonb')
    .addColumn('actions', 'jsonb')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('plan_id', 'uuid', (c) => c.references('action_plans.id'))
    .addColumn('created_at', 'timestamptz', (c) =>
      c.notNull().defaultTo(sql`date_trunc('milliseconds', now())`),
    )
    .execute();
  await db.schema
    .createIndex('decisions_by_tenant_created')
    .on('decisions')
    .columns(['tenant_id', 'created_at desc', 'id desc'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('decisions').execute();
}
