import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

/**
 * A tenant's contacts: a name, its emails, phones and aliases. `search_text`
 * (the name and aliases, lowercased) carries a trigram index, so a name given
 * loosely ("bob from acme", "Jonh") finds its contact by similarity.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await db.schema
    .createTable('contacts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('emails', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('phones', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('aliases', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index contacts_tenant_name on contacts (tenant_id, lower(name))`.execute(
    db,
  );
  await sql`create index contacts_tenant_page on contacts (tenant_id, created_at desc, id desc)`.execute(
    db,
  );
  await sql`create index contacts_search on contacts using gin (search_text gin_trgm_ops)`.execute(
    db,
  );
  await sql`create index contacts_emails on contacts using gin (emails)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('contacts').execute();
}
