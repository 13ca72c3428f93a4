import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

/**
 * A contact may be one of the tenant's users (the `user_id` plans and JWTs carry):
 * where a plan's messages to its own user go. One contact per user.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('user_id', 'text').execute();
  await sql`create unique index contacts_tenant_user on contacts (tenant_id, user_id) where user_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contacts').dropColumn('user_id').execute();
}
