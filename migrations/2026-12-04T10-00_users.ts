import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

/**
 * Users inside a tenant. A key may name the user it acts for (`api_keys.user_id`);
 * a plan records who submitted it: the principal's kind (`key` or `jwt`), the key's
 * id for a key, and the user when the principal has one. Rows from before this
 * migration keep nulls: their submitter is unknown.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('user_id', 'text').execute();
  await db.schema
    .alterTable('action_plans')
    .addColumn('submitted_by_kind', 'text', (c) =>
      c.check(sql`submitted_by_kind in ('key', 'jwt')`),
    )
    .addColumn('submitted_by_key', 'text')
    .addColumn('submitted_by_user', 'text')
    .execute();
  // `mine` and "submitters see only their own" page a user's or a key's plans, newest first.
  await db.schema
    .createIndex('action_plans_by_tenant_user')
    .on('action_plans')
    .columns(['tenant_id', 'submitted_by_user', 'created_at desc', 'id desc'])
    .where(sql.ref('submitted_by_user'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('action_plans_by_tenant_key')
    .on('action_plans')
    .columns(['tenant_id', 'submitted_by_key', 'created_at desc', 'id desc'])
    .where(sql.ref('submitted_by_key'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('action_plans_by_tenant_key').execute();
  await db.schema.dropIndex('action_plans_by_tenant_user').execute();
  await db.schema
    .alterTable('action_plans')
    .dropColumn('submitted_by_user')
    .dropColumn('submitted_by_key')
    .dropColumn('submitted_by_kind')
    .execute();
  await db.schema.alterTable('api_keys').dropColumn('user_id').execute();
}
