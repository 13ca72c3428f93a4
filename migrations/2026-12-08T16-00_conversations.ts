import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

const nowMs = sql`date_trunc('milliseconds', now())`;

/**
 * Conversations and their turns. A conversation belongs to one user (or, for
 * a key without users, to that key); its turns are what clients read and
 * stream, written once each (turn_key), and NOTIFYed at commit like plan events.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('owner_user', 'text')
    .addColumn('owner_key', 'text')
    .addColumn('title', 'text')
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addCheckConstraint('conversations_owned', sql`owner_user is not null or owner_key is not null`)
    .execute();
  await db.schema
    .createIndex('conversations_by_owner')
    .on('conversations')
    .columns(['tenant_id', 'owner_user', 'owner_key', 'created_at desc'])
    .execute();

  await db.schema
    .createTable('conversation_turns')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'uuid', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('turn_key', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addUniqueConstraint('conversation_turns_once', ['conversation_id', 'turn_key'])
    .execute();

  await sql`
    create function notify_conversation_turn() returns trigger language plpgsql as $$
    begin
      perform pg_notify('errand_conversation_turns', new.conversation_id::text);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger conversation_turns_notify after insert on conversation_turns
    for each row execute function notify_conversation_turn()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger conversation_turns_notify on conversation_turns`.execute(db);
  await sql`drop function notify_conversation_turn()`.execute(db);
  await db.schema.dropTable('conversation_turns').execute();
  await db.schema.dropTable('conversations').execute();
}
