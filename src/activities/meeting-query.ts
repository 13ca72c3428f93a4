import type { MeetingMatch } from '../plan/action-params';
import { PRIMARY_CALENDAR, type MeetingQuery } from '../providers/calendar-provider';
import { dayBounds, isDateOnly, toInstant } from '../time/zoned-time';

/**
 * A step's match as instants in the plan's zone, on one calendar: the
 * match's own, else the step's, else primary. A date is its whole day; `from`
 * a date starts at its first minute and `to` a date ends with its day. Without
 * a start bound only meetings not over by `now` are selected.
 */
export function queryOf(
  match: MeetingMatch | undefined,
  stepCalendar: string | undefined,
  timezone: string,
  now: Date,
): MeetingQuery {
  const query: MeetingQuery = {
    calendar: match?.calendar ?? stepCalendar ?? PRIMARY_CALENDAR,
    attendee: match?.attendee,
    title: match?.title,
  };
  if (match?.date) {
    const day = dayBounds(match.date, timezone);
    query.startFrom = day.start;
    query.startBefore = day.end;
  }
  if (match?.from) {
    query.startFrom = isDateOnly(match.from)
      ? dayBounds(match.from, timezone).start
      : toInstant(match.from, timezone);
  }
  if (match?.to) {
    query.startBefore = isDateOnly(match.to)
      ? dayBounds(match.to, timezone).end
      : toInstant(match.to, timezone);
  }
  if (!query.startFrom) query.endAfter = now;
  return query;
}
