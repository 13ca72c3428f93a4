import type { Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

/**
 * Retried plans: `action_plans.attempt` counts the runs of a plan (1 for the
 * first), and each event says which attempt wrote it, so a plan's history
 * shows every attempt apart. Rows from before keep 1.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('action_plans')
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('plan_events')
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('plan_events').dropColumn('attempt').execute();
  await db.schema.alterTable('action_plans').dropColumn('attempt').execute();
}
