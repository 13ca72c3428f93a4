import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

export async function up(db: Kysely<any>): Promise<void> {
  // What a reconciler needs to start a plan's workflow after the API died, and
  // what binds an Idempotency-Key to the body it was first used with.
  await db.schema
    .alterTable('action_plans')
    .addColumn('workflow_input', 'jsonb')
    .addColumn('request_hash', 'text')
    .execute();
  await sql`create index action_plans_submitting on action_plans (updated_at) where status = 'submitting'`.execute(
    db,
  );

  await db.schema
    .alterTable('decisions')
    .addColumn('idempotency_key', 'text')
    .addColumn('request_hash', 'text')
    .addColumn('effective_confidence', 'double precision')
    .addColumn('answer', 'jsonb')
    .execute();
  await sql`create unique index decisions_idempotency on decisions (tenant_id, idempotency_key) where idempotency_key is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists decisions_idempotency`.execute(db);
  await db.schema
    .alterTable('decisions')
    .dropColumn('idempotency_key')
    .dropColumn('request_hash')
    .dropColumn('effective_confidence')
    .dropColumn('answer')
    .execute();
  await sql`drop index if exists action_plans_submitting`.execute(db);
  await db.schema
    .alterTable('action_plans')
    .dropColumn('workflow_input')
    .dropColumn('request_hash')
    .execute();
}
