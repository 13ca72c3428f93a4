import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

// Millisecond precision, like JavaScript dates, so keyset cursors round-trip exactly.
const nowMs = sql`date_trunc('milliseconds', now())`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists btree_gist`.execute(db);

  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('settings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .execute();

  await db.schema
    .createTable('action_plans')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('conversation_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('api'))
    .addColumn('intent', 'text', (c) => c.notNull())
    .addColumn('context', 'jsonb')
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('actions', 'jsonb', (c) => c.notNull())
    .addColumn('on_failure', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('current_step', 'integer')
    .addColumn('step_results', 'jsonb', (c) => c.notNull())
    .addColumn('error', 'jsonb')
    .addColumn('idempotency_key', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addColumn('started_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addUniqueConstraint('action_plans_idempotency', ['tenant_id', 'idempotency_key'])
    .execute();
  await db.schema
    .createIndex('action_plans_by_tenant_created')
    .on('action_plans')
    .columns(['tenant_id', 'created_at desc', 'id desc'])
    .execute();
  await db.schema
    .createIndex('action_plans_by_tenant_status')
    .on('action_plans')
    .columns(['tenant_id', 'status', 'created_at desc'])
    .execute();

  await db.schema
    .createTable('plan_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'uuid', (c) =>
      c.notNull().references('action_plans.id').onDelete('cascade'),
    )
    .addColumn('step_index', 'integer')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('event_key', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addUniqueConstraint('plan_events_once', ['plan_id', 'event_key'])
    .execute();

  await db.schema
    .createTable('calendar_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('calendar_id', 'text', (c) => c.notNull().defaultTo('primary'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('location', 'text')
    .addColumn('start_at', 'timestamptz', (c) => c.notNull())
    .addColumn('end_at', 'timestamptz', (c) => c.notNull())
    .addColumn('attendees', sql`text[]`, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('join_link', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'uuid')
    .addColumn('step_index', 'integer')
    .addColumn('cancel_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addUniqueConstraint('calendar_events_once', ['tenant_id', 'idempotency_key'])
    .addCheckConstraint('calendar_events_positive', sql`end_at > start_at`)
    .execute();
  // The database, not a read-then-write, refuses double bookings.
  await sql`
    alter table calendar_events add constraint calendar_events_no_overlap
    exclude using gist (tenant_id with =, calendar_id with =, tstzrange(start_at, end_at) with &&)
    where (status = 'confirmed')`.execute(db);
  await db.schema
    .createIndex('calendar_events_by_tenant_start')
    .on('calendar_events')
    .columns(['tenant_id', 'start_at'])
    .execute();

  await db.schema
    .createTable('calendar_changes')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'uuid', (c) => c.notNull().references('calendar_events.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('previous', 'jsonb', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addUniqueConstraint('calendar_changes_once', ['tenant_id', 'idempotency_key'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('recipients', sql`text[]`, (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('body', 'text')
    .addColumn('payload', 'jsonb')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'uuid')
    .addColumn('step_index', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addUniqueConstraint('outbox_once', ['tenant_id', 'idempotency_key'])
    .execute();
  await db.schema
    .createIndex('outbox_by_tenant_created')
    .on('outbox')
    .columns(['tenant_id', 'created_at desc', 'id desc'])
    .execute();

  await db.schema
    .createTable('reminders')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('plan_id', 'uuid')
    .addColumn('step_index', 'integer')
    .addColumn('meeting_id', 'uuid')
    .addColumn('offset_ms', 'bigint')
    .addColumn('fire_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('recipients', sql`text[]`, (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('fired_at', 'timestamptz')
    .addColumn('outbox_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addUniqueConstraint('reminders_once', ['tenant_id', 'idempotency_key'])
    .execute();
  await db.schema
    .createIndex('reminders_by_tenant_status')
    .on('reminders')
    .columns(['tenant_id', 'status', 'fire_at'])
    .execute();
  await db.schema
    .createIndex('reminders_by_meeting')
    .on('reminders')
    .column('meeting_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'reminders',
    'outbox',
    'calendar_changes',
    'calendar_events',
    'plan_events',
    'action_plans',
    'tenants',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
