import type { MeetingQuery } from './calendar-provider';

/** A query as a person reads it, for the message that nothing matched. */
export function describeQuery(q: MeetingQuery): string {
  const parts = [`calendar ${q.calendar}`];
  if (q.attendee) parts.push(`attendee ${q.attendee}`);
  if (q.title) parts.push(`title containing "${q.title}"`);
  if (q.startFrom) parts.push(`starting from ${q.startFrom.toISOString()}`);
  if (q.startBefore) parts.push(`starting before ${q.startBefore.toISOString()}`);
  if (!q.startFrom && q.endAfter) parts.push(`not over by ${q.endAfter.toISOString()}`);
  return parts.join(', ');
}
