import type { Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('action_plans')
    .addColumn('approvals', 'jsonb')
    .addColumn('compensation', 'jsonb')
    .execute();
  await db.schema.alterTable('reminders').addColumn('timezone', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reminders').dropColumn('timezone').execute();
  await db.schema
    .alterTable('action_plans')
    .dropColumn('approvals')
    .dropColumn('compensation')
    .execute();
}
