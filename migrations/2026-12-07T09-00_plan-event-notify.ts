import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

/**
 * Tells listeners (the API's plan streams) that a plan has a new event, at
 * commit: Postgres delivers a NOTIFY only once its transaction commits, so a
 * stream that reads the events it was told of never misses one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function notify_plan_event() returns trigger language plpgsql as $$
    begin
      perform pg_notify('errand_plan_events', new.plan_id::text);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger plan_events_notify after insert on plan_events
    for each row execute function notify_plan_event()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger plan_events_notify on plan_events`.execute(db);
  await sql`drop function notify_plan_event()`.execute(db);
}
