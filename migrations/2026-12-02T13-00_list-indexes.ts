import type { Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

/**
 * Indexes for the filters and pages the API serves: outbox by channel and by
 * plan, decisions by outcome, planner and source (each newest first, as they
 * page), and reminders in due-time order. Overlap checks need no new index:
 * they use the exclusion constraint's gist index.
 */
const INDEXES: { name: string; table: string; columns: string[] }[] = [
  { name: 'outbox_by_tenant_channel', table: 'outbox', columns: ['tenant_id', 'channel'] },
  { name: 'outbox_by_tenant_plan', table: 'outbox', columns: ['tenant_id', 'plan_id'] },
  { name: 'decisions_by_tenant_outcome', table: 'decisions', columns: ['tenant_id', 'outcome'] },
  { name: 'decisions_by_tenant_planner', table: 'decisions', columns: ['tenant_id', 'planner'] },
  { name: 'decisions_by_tenant_source', table: 'decisions', columns: ['tenant_id', 'source'] },
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const index of INDEXES) {
    await db.schema
      .createIndex(index.name)
      .on(index.table)
      .columns([...index.columns, 'created_at desc', 'id desc'])
      .execute();
  }
  await db.schema
    .createIndex('reminders_by_tenant_fire_at')
    .on('reminders')
    .columns(['tenant_id', 'fire_at', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('reminders_by_tenant_fire_at').execute();
  for (const index of [...INDEXES].reverse()) {
    await db.schema.dropIndex(index.name).execute();
  }
}
