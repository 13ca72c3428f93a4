import { sql, type Kysely, type Transaction } from 'kysely';
import type { CalendarEventRow, Database } from './database';
import { afterCursor, inKeysetOrder, type KeysetCursor, type KeysetOrder } from './keyset';
import { PRIMARY_CALENDAR, type Meeting, type MeetingQuery } from '../providers/calendar-provider';

type Db = Kysely<Database> | Transaction<Database>;

export function toMeeting(row: CalendarEventRow): Meeting {
  return {
    meeting_id: row.id,
    calendar: row.calendar_id,
    title: row.title,
    start_time: row.start_at.toISOString(),
    end_time: row.end_at.toISOString(),
    attendees: row.attendees,
    join_link: row.join_link,
    status: row.status as Meeting['status'],
    description: row.description,
    location: row.location,
    cancel_reason: row.cancel_reason,
  };
}

export interface NewEvent {
  id: string;
  tenant_id: string;
  calendar_id: string;
  title: string;
  description: string | null;
  location: string | null;
  start_at: Date;
  end_at: Date;
  attendees: string[];
  join_link: string;
  idempotency_key: string;
  plan_id: string | null;
  step_index: number | null;
}

/** Postgres's code for an exclusion-constraint violation: here, an overlapping booking. */
export const EXCLUSION_VIOLATION = '23P01';

/**
 * Inserts a confirmed event unless one with the same idempotency key exists;
 * returns the event either way. An overlap raises EXCLUSION_VIOLATION.
 */
export async function insertEventOnce(db: Db, event: NewEvent): Promise<CalendarEventRow> {
  const inserted = await db
    .insertInto('calendar_events')
    .values({ ...event, status: 'confirmed', updated_at: new Date() })
    .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return inserted;
  return db
    .selectFrom('calendar_events')
    .selectAll()
    .where('tenant_id', '=', event.tenant_id)
    .where('idempotency_key', '=', event.idempotency_key)
    .executeTakeFirstOrThrow();
}

/**
 * Confirmed events of a tenant's calendar overlapping [from, to), earliest first. Written
 * as the exclusion constraint is (same columns, `tstzrange && tstzrange`, the
 * same `confirmed` predicate) so its gist index serves it, instead of a scan of
 * every event that started before `to`.
 */
export async function overlappingEvents(
  db: Db,
  tenantId: string,
  from: Date,
  to: Date,
  calendar: string = PRIMARY_CALENDAR,
): Promise<CalendarEventRow[]> {
  return overlapQuery(db, tenantId, from, to, calendar).execute();
}

/** The query overlappingEvents runs, for EXPLAIN. */
export function overlapQuery(
  db: Db,
  tenantId: string,
  from: Date,
  to: Date,
  calendar: string = PRIMARY_CALENDAR,
) {
  return db
    .selectFrom('calendar_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('calendar_id', '=', calendar)
    .where('status', '=', 'confirmed')
    .where(
      sql<boolean>`tstzrange(start_at, end_at) && tstzrange(${from}::timestamptz, ${to}::timestamptz)`,
    )
    .orderBy('start_at');
}

export async function findEventForUpdate(
  db: Transaction<Database>,
  tenantId: string,
  id: string,
): Promise<CalendarEventRow | undefined> {
  if (!isUuid(id)) return undefined;
  return db
    .selectFrom('calendar_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Confirmed events of one calendar matching every given criterion, earliest first. */
export async function matchEvents(
  db: Db,
  tenantId: string,
  match: MeetingQuery,
  limit: number,
): Promise<CalendarEventRow[]> {
  let query = db
    .selectFrom('calendar_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('calendar_id', '=', match.calendar)
    .where('status', '=', 'confirmed');
  if (match.attendee) {
    query = query.where(sql<boolean>`lower(${match.attendee}) = any(
      select lower(a) from unnest(attendees) as a)`);
  }
  if (match.startFrom) query = query.where('start_at', '>=', match.startFrom);
  if (match.startBefore) query = query.where('start_at', '<', match.startBefore);
  if (!match.startFrom && match.endAfter) {
    // Through the gist index, as overlappingEvents: every meeting not over by then.
    query = query.where(
      sql<boolean>`tstzrange(start_at, end_at) && tstzrange(${match.endAfter}::timestamptz, null)`,
    );
  }
  if (match.title) query = query.where('title', 'ilike', `%${escapeLike(match.title)}%`);
  return query.orderBy('start_at').orderBy('id').limit(limit).execute();
}

export interface EventListFilter {
  from?: Date;
  to?: Date;
  status?: string;
  calendar?: string;
  limit: number;
  /** Keyset cursor: events after this (start_at, id). */
  after?: KeysetCursor;
}

/** Calendar lists run in time order: earliest start first. */
export const EVENTS_ORDER: KeysetOrder = { column: 'start_at', direction: 'asc' };

/** A tenant's events, earliest start first, by keyset pages. */
export async function listEvents(
  db: Db,
  tenantId: string,
  filter: EventListFilter,
): Promise<CalendarEventRow[]> {
  let query = db.selectFrom('calendar_events').selectAll().where('tenant_id', '=', tenantId);
  if (filter.from) query = query.where('end_at', '>', filter.from);
  if (filter.to) query = query.where('start_at', '<', filter.to);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.calendar) query = query.where('calendar_id', '=', filter.calendar);
  query = afterCursor(query, filter.after, EVENTS_ORDER);
  return inKeysetOrder(query, EVENTS_ORDER).limit(filter.limit).execute();
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
