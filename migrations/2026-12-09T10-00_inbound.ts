import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

/**
 * The secret each tenant's inbound triggers are signed with. Its own table,
 * not webhook_secrets: whoever verifies Errand's outbound deliveries must not
 * thereby be able to sign requests that start plans.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('inbound_secrets')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('previous_secret', 'text')
    .addColumn('rotated_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) =>
      c.notNull().defaultTo(sql`date_trunc('milliseconds', now())`),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inbound_secrets').execute();
}
