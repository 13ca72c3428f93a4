/**
 * The date (YYYY-MM-DD, UTC) of the first Monday at least `days` days after
 * `now`: a working day under the default working hours whatever day the suite
 * runs on, for tests that search or book inside working hours.
 */
export function workdayAhead(days: number, now: Date = new Date()): string {
  const d = new Date(now.getTime() + days * 24 * 3600 * 1000);
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7));
  return d.toISOString().slice(0, 10);
}
