/**
 * The years a date or date-time in a plan may fall in. Outside them a value is
 * almost surely a typo or a probe ("9999-12-31"), and letting it through costs
 * the worker (availability walks, timers years long) for nothing.
 */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2200;

export const YEARS_MESSAGE = `must be in the years ${MIN_YEAR} to ${MAX_YEAR}`;

/** True when an ISO-8601 date or date-time is written with a year in [MIN_YEAR, MAX_YEAR]. */
export function isInYearRange(iso: string): boolean {
  const year = Number(/^(\d{4})-/.exec(iso)?.[1]);
  return year >= MIN_YEAR && year <= MAX_YEAR;
}

/** The longest window `check_availability` searches, from `from` to `to`. */
export const MAX_AVAILABILITY_DAYS = 90;

const DAY_MS = 24 * 3600 * 1000;
const OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An availability window as approximate instants, without a time zone: a
 * date-time without offset and a date are read as UTC, which is at most 14
 * hours from the truth. `to` is exclusive; a date `to` means the end of that
 * day. Both ends carry whether they were exact (written with an offset).
 */
export function approximateWindow(
  from: string,
  to: string | undefined,
): { from: number; to: number; exact: boolean } {
  const read = (v: string) => Date.parse(OFFSET.test(v) || isDate(v) ? v : `${v}Z`);
  const start = read(from);
  const end = to
    ? read(to) + (isDate(to) ? DAY_MS : 0)
    : isDate(from)
      ? start + DAY_MS
      : start + 7 * DAY_MS;
  const exact = to === undefined || OFFSET.test(from) === OFFSET.test(to);
  return { from: start, to: end, exact };
}

function isDate(v: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(v);
}
