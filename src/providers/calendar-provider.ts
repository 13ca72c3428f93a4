/** The calendar a step uses when it names none: the tenant's own. */
export const PRIMARY_CALENDAR = 'primary';

/** A meeting as steps and the API see it. */
export interface Meeting {
  meeting_id: string;
  /** The calendar's short name (`primary` unless a step named another). */
  calendar: string;
  title: string;
  start_time: string;
  end_time: string;
  attendees: string[];
  join_link: string;
  status: 'confirmed' | 'cancelled';
  description: string | null;
  location: string | null;
  cancel_reason: string | null;
}

/** A stretch of time, busy or free. */
export interface Interval {
  start: Date;
  end: Date;
}

/** A meeting as listed: where it came from, too. */
export interface ListedMeeting extends Meeting {
  plan_id: string | null;
  step: number | null;
  created_at: string;
}

export interface MeetingListFilter {
  /** Meetings that end after this. */
  from?: Date;
  /** Meetings that start before this. */
  to?: Date;
  status?: Meeting['status'];
  /** One calendar only; without it the built-in lists all, Google lists primary. */
  calendar?: string;
  limit: number;
  /** Meetings after this one, in (start, id) order. */
  after?: { start: Date; meeting_id: string };
}

/**
 * Which confirmed meetings of one calendar a match selects, already in
 * instants. Without `startFrom`, only meetings not over by `endAfter`.
 */
export interface MeetingQuery {
  calendar: string;
  attendee?: string;
  title?: string;
  /** Meetings starting at or after this. */
  startFrom?: Date;
  /** Meetings starting before this. */
  startBefore?: Date;
  /** Meetings ending after this (used when there is no startFrom). */
  endAfter?: Date;
}

/** How a step names an existing meeting: its id (on `calendar`, default primary) or a query that must select one. */
export interface MeetingRef {
  meeting_id?: string;
  match?: MeetingQuery;
  /** Where `meeting_id` is; the built-in calendar's ids are unique across its calendars. */
  calendar?: string;
}

export interface BookRequest {
  tenant_id: string;
  idempotency_key: string;
  title: string;
  start: Date;
  end: Date;
  attendees: string[];
  /** Default primary. */
  calendar?: string;
  description?: string;
  location?: string;
  plan_id?: string;
  step_index?: number;
}

export interface ChangeRequest {
  tenant_id: string;
  idempotency_key: string;
  ref: MeetingRef;
}

export interface MeetingChanges {
  start?: Date;
  /** Moves the start by this much from where the meeting was before this change. */
  shift_ms?: number;
  duration_minutes?: number;
  title?: string;
}

export interface UpdateResult {
  meeting: Meeting;
  previous: { start_time: string; end_time: string; title: string };
}

/**
 * A calendar Errand books into. Every write takes an idempotency key: the same
 * key twice makes one change and returns the same meeting.
 */
export interface CalendarProvider {
  book(request: BookRequest): Promise<Meeting>;
  update(request: ChangeRequest & { changes: MeetingChanges }): Promise<UpdateResult>;
  cancel(request: ChangeRequest & { reason?: string }): Promise<Meeting>;
  /** Confirms a cancelled meeting again; its slot must still be free. */
  restore(request: ChangeRequest): Promise<Meeting>;
  /** Busy time of the named calendars (default primary) together. */
  busy(tenantId: string, from: Date, to: Date, calendars?: string[]): Promise<Interval[]>;
  /** Confirmed meetings a query selects, earliest first, at most `limit`. */
  find(tenantId: string, query: MeetingQuery, limit: number): Promise<Meeting[]>;
  /** The tenant's meetings in (start, id) order, for the calendar API. */
  list(tenantId: string, filter: MeetingListFilter): Promise<ListedMeeting[]>;
}
