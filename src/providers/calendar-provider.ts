/** A meeting as steps and the API see it. */
export interface Meeting {
  meeting_id: string;
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
  limit: number;
  /** Meetings after this one, in (start, id) order. */
  after?: { start: Date; meeting_id: string };
}

/** How a step names an existing meeting. */
export interface MeetingRef {
  meeting_id?: string;
  match?: { attendee?: string; date?: string; title?: string };
  /** The zone a match's date is read in. */
  timezone: string;
}

export interface BookRequest {
  tenant_id: string;
  idempotency_key: string;
  title: string;
  start: Date;
  end: Date;
  attendees: string[];
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
  busy(tenantId: string, from: Date, to: Date): Promise<Interval[]>;
  /** The tenant's meetings in (start, id) order, for the calendar API. */
  list(tenantId: string, filter: MeetingListFilter): Promise<ListedMeeting[]>;
}
