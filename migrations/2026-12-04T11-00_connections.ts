import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

/**
 * connections: a tenant's credentials for one provider. The secret is sealed
 * (AES-256-GCM, the tenant and provider as associated data) under the key
 * `secret_kid` names, so keys can rotate; `config` holds what is not secret.
 *
 * outbox: which provider took each message, the id the vendor gave it, and
 * the vendor's last word on its delivery.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const nowMs = sql`date_trunc('milliseconds', now())`;
  await db.schema
    .createTable('connections')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('secret_kid', 'text', (c) => c.notNull())
    .addColumn('secret', 'bytea', (c) => c.notNull())
    .addColumn('config', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('connected', 'revoked', 'failing')`),
    )
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addPrimaryKeyConstraint('connections_pkey', ['tenant_id', 'provider'])
    .execute();

  await db.schema
    .alterTable('outbox')
    .addColumn('provider', 'text', (c) => c.notNull().defaultTo('outbox'))
    .addColumn('vendor_message_id', 'text')
    .addColumn('status_detail', 'text')
    .addColumn('status_updated_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('outbox_by_vendor_message')
    .on('outbox')
    .columns(['tenant_id', 'provider', 'vendor_message_id'])
    .where(sql.ref('vendor_message_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_by_vendor_message').execute();
  await db.schema
    .alterTable('outbox')
    .dropColumn('provider')
    .dropColumn('vendor_message_id')
    .dropColumn('status_detail')
    .dropColumn('status_updated_at')
    .execute();
  await db.schema.dropTable('connections').execute();
}
