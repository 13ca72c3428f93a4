import { DateTime } from 'luxon';

/** The instant and zone relative phrases are read against. */
export interface Reference {
  now: DateTime;
  zone: string;
}

/** Builds the reference for `now` in an IANA zone; throws on an unknown zone. */
export function makeReference(now: Date, zone: string): Reference {
  const dt = DateTime.fromJSDate(now, { zone });
  if (!dt.isValid) throw new RangeError(`unknown time zone "${zone}"`);
  return { now: dt, zone };
}

/** Formats a DateTime as a wall-clock local ISO string (no offset). */
export function localIso(dt: DateTime): string {
  return dt.toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

/** Formats a DateTime as a date. */
export function isoDate(dt: DateTime): string {
  return dt.toFormat('yyyy-MM-dd');
}

/** Reads a local ISO string back as a DateTime in the reference zone. */
export function fromLocal(text: string, ref: Reference): DateTime {
  return DateTime.fromISO(text, { zone: ref.zone });
}
