import type { Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

/** Which change cancelled a reminder, so undoing that change can bring the reminder back. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reminders').addColumn('cancelled_by', 'text').execute();
  await db.schema
    .createIndex('reminders_cancelled_by')
    .on('reminders')
    .columns(['tenant_id', 'cancelled_by'])
    .where('cancelled_by', 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('reminders_cancelled_by').execute();
  await db.schema.alterTable('reminders').dropColumn('cancelled_by').execute();
}
