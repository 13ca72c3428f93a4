import parseDuration from 'parse-duration';

const MAX_OFFSET_MS = 400 * 24 * 3600 * 1000;

/**
 * Parses a reminder offset such as "-1h", "-30m", "-1d" or "-1h30m" into
 * milliseconds (negative: before the chained time). Returns null when the text
 * is not a duration with units or is longer than 400 days.
 *
 * @example parseOffset('-1h30m') // -5400000
 */
export function parseOffset(text: string): number | null {
  // parse-duration reads a bare number as milliseconds; an offset must name its unit.
  if (!/[a-z]/i.test(text)) return null;
  const ms = parseDuration(text.trim());
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return null;
  if (Math.abs(ms) > MAX_OFFSET_MS) return null;
  return Math.round(ms);
}
