import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

const nowMs = sql`date_trunc('milliseconds', now())`;

/**
 * Tenants' event webhooks: subscriptions, one delivery per event and
 * subscription, and every attempt at it. The deliveries are written by a
 * trigger on plan_events, in the transaction that writes the event, so an
 * event is never recorded without its deliveries, whatever crashes after.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', sql`text[]`, (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('paused_at', 'timestamptz')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .execute();
  await db.schema
    .createIndex('webhook_subscriptions_by_tenant')
    .on('webhook_subscriptions')
    .columns(['tenant_id', 'created_at desc'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('subscription_id', 'uuid', (c) =>
      c.notNull().references('webhook_subscriptions.id').onDelete('cascade'),
    )
    .addColumn('event_id', 'bigint', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    // queued → sending → delivered | failed; held while the subscription is paused.
    .addColumn('state', 'text', (c) => c.notNull())
    // Each time it is queued again (a resume) it is sent by a new workflow, named by its round.
    .addColumn('round', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addUniqueConstraint('webhook_deliveries_once', ['subscription_id', 'event_id'])
    .execute();
  await sql`create index webhook_deliveries_queued on webhook_deliveries (id) where state = 'queued'`.execute(
    db,
  );
  await db.schema
    .createIndex('webhook_deliveries_by_subscription')
    .on('webhook_deliveries')
    .columns(['subscription_id', 'id desc'])
    .execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('delivery_id', 'bigint', (c) =>
      c.notNull().references('webhook_deliveries.id').onDelete('cascade'),
    )
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('error', 'text')
    .addColumn('response_excerpt', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('attempted_at', 'timestamptz', (c) => c.notNull().defaultTo(nowMs))
    .addPrimaryKeyConstraint('webhook_attempts_pk', ['delivery_id', 'attempt'])
    .execute();

  await sql`
    create function fan_out_webhook_event() returns trigger language plpgsql as $$
    declare
      queued integer;
    begin
      insert into webhook_deliveries (tenant_id, subscription_id, event_id, event_type, state)
      select new.tenant_id, s.id, new.id, new.kind,
             case when s.paused_at is null then 'queued' else 'held' end
      from webhook_subscriptions s
      where s.tenant_id = new.tenant_id
        and (new.kind = any(s.events) or '*' = any(s.events))
      on conflict do nothing;
      get diagnostics queued = row_count;
      -- Delivered at commit, so the dispatcher woken by it finds the rows.
      if queued > 0 then
        perform pg_notify('errand_webhook_deliveries', new.tenant_id);
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger plan_events_fan_out after insert on plan_events
    for each row execute function fan_out_webhook_event()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger plan_events_fan_out on plan_events`.execute(db);
  await sql`drop function fan_out_webhook_event()`.execute(db);
  await db.schema.dropTable('webhook_attempts').execute();
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhook_subscriptions').execute();
}
