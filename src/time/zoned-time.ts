import { DateTime } from 'luxon';

/**
 * Reads an ISO-8601 date-time as an instant: with an offset it is that
 * instant; without one it is wall-clock time in `timezone`. A date alone is
 * the start of that day in `timezone`.
 *
 * @example toInstant('2026-01-13T15:00:00', 'Europe/Paris') // 2026-01-13T14:00:00.000Z
 */
export function toInstant(value: string, timezone: string): Date {
  const parsed = DateTime.fromISO(value, { zone: timezone, setZone: false });
  if (!parsed.isValid) throw new RangeError(`"${value}" is not an ISO-8601 date-time`);
  return parsed.toJSDate();
}

/** The start and end of the calendar day `date` (YYYY-MM-DD) in `timezone`. */
export function dayBounds(date: string, timezone: string): { start: Date; end: Date } {
  const start = DateTime.fromISO(date, { zone: timezone }).startOf('day');
  if (!start.isValid) throw new RangeError(`"${date}" is not an ISO-8601 date`);
  return { start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate() };
}

/** True when the text is a date without a time. */
export function isDateOnly(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value);
}

/** A human rendering of an instant in a zone, for messages: "Tue 13 Jan 2026, 15:00 CET". */
export function formatForPeople(instant: string | Date, timezone: string): string {
  const dt = typeof instant === 'string' ? DateTime.fromISO(instant) : DateTime.fromJSDate(instant);
  return dt.setZone(timezone).toFormat('ccc d LLL yyyy, HH:mm ZZZZ');
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Moves an instant by an offset in milliseconds the way people mean it: whole
 * days count as calendar days in `timezone` (a day before 15:00 is 15:00 the
 * day before, across a DST change too); the rest is exact.
 *
 * @example applyOffset(new Date('2026-03-29T13:00:00Z'), -86400000, 'Europe/Paris') // 2026-03-28T14:00:00Z
 */
export function applyOffset(start: Date, offsetMs: number, timezone: string): Date {
  const sign = Math.sign(offsetMs);
  const days = Math.floor(Math.abs(offsetMs) / DAY_MS);
  const rest = Math.abs(offsetMs) - days * DAY_MS;
  return DateTime.fromJSDate(start, { zone: timezone })
    .plus({ days: sign * days })
    .plus({ milliseconds: sign * rest })
    .toJSDate();
}
