import { CannotPlanError } from '../planner';
import { tidy, type ClauseText } from './clause-text';
import { takeEmails } from './contacts';
import type { Draft, RuleContext } from './draft';
import { takeMeetingNoun, takeTitle } from './meeting-parts';
import { takePeople } from './people';
import { AMOUNT_TEXT, amountMinutes, formatOffset, takeDuration } from './quantities';
import { fromLocal, localIso } from './reference';
import { takeWhen } from './when';

const DATE_WORDS =
  /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d{1,2}\/\d{1,2}|\d{4}-\d{2}|\b\d{1,2}(?:st|nd|rd|th)\b/i;
const WEEKDAY = /\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b/i;

interface Match {
  attendee?: string;
  date?: string;
  from?: string;
  to?: string;
  title?: string;
}

/** A match and the person it names without an address ("my call with bob"). */
interface Found {
  match: Match;
  person?: string;
}

/**
 * Reads which existing meeting a clause means: an attendee (an address, or a
 * name the contacts know), a day, a quoted title. With `atHour`, an hour
 * given selects the meeting starting then ("push my 3pm back an hour").
 */
function takeMatch(clause: ClauseText, ctx: RuleContext, atHour = false): Found {
  const match: Match = {};
  const attendees = takeEmails(clause);
  if (attendees.length > 1)
    ctx.guess(`matching the meeting by its first attendee, ${attendees[0]}`);
  if (attendees[0]) match.attendee = attendees[0];
  const title = takeTitle(clause);
  if (title) match.title = title;
  takeMeetingNoun(clause);
  const when = takeWhen(clause, ctx.ref);
  const people = attendees.length === 0 ? takePeople(clause, '\\bwith\\s+') : [];
  if (people.length > 1) ctx.guess(`matching the meeting by its first attendee, ${people[0]}`);
  if (when?.time && atHour) {
    match.from = when.time;
    match.to = localIso(fromLocal(when.time, ctx.ref).plus({ minutes: 1 }));
    if (!when.dayGiven) ctx.guess(`no day given for the meeting; assumed ${when.date}`);
  } else if (when) {
    match.date = when.date;
    if (when.time)
      ctx.guess(`meetings are matched by day; the hour in "${when.text}" is not used`, 0.95);
  }
  return people[0] ? { match, person: people[0] } : { match };
}

function requireMatch(found: Found, clause: ClauseText): Found {
  const { match } = found;
  if (match.attendee ?? match.date ?? match.from ?? match.title ?? found.person) return found;
  throw new CannotPlanError(
    'missing_information',
    `which meeting? Give an attendee's email, a day or a title: "${clause.original.trim()}"`,
  );
}

/** The draft of a change to the meeting `found` selects. */
function changeDraft(
  type: 'cancel_meeting' | 'update_meeting',
  found: Found,
  params: Record<string, unknown>,
): Draft {
  const draft: Draft = { type, params: { match: found.match, ...params } };
  if (found.person) {
    draft.people = [{ name: found.person, field: 'match.attendee', kind: 'email' }];
  }
  return draft;
}

/** "back an hour", "30 minutes earlier", "forward by a day": a move by an amount, as "+1h", "-30m". */
function takeShift(clause: ClauseText): string | null {
  const m = clause.take(
    new RegExp(
      `\\b(?:(?<dir>back|out|forward|up|ahead)\\s+(?:by\\s+)?(?<a>${AMOUNT_TEXT})|(?:by\\s+)?(?<b>${AMOUNT_TEXT})\\s+(?<dir2>later|earlier|back|forward)|by\\s+(?<c>${AMOUNT_TEXT}))`,
      'i',
    ),
  );
  const g = m?.groups;
  const minutes = amountMinutes(g?.a ?? g?.b ?? g?.c ?? '');
  if (!m || minutes === null || minutes <= 0) return null;
  const dir = (g?.dir ?? g?.dir2 ?? '').toLowerCase();
  // "by an hour" alone goes the way the verb does: push, delay and postpone go later.
  const earlier =
    dir === 'forward' ||
    dir === 'up' ||
    dir === 'earlier' ||
    (!dir && /^\s*(?:pull|bring)\b/i.test(clause.original));
  return `${earlier ? '-' : '+'}${formatOffset(minutes)}`;
}

/**
 * "cancel my meeting with bob@x.com tomorrow because I'm ill" →
 * cancel_meeting { match: { attendee, date }, reason }.
 */
export function cancelRule(clause: ClauseText, ctx: RuleContext): Draft[] {
  if (
    clause.has(
      /\b(?:everything|all (?:my |the |of my )?(?:meetings|calls|appointments|events)|every (?:meeting|call))\b/i,
    )
  ) {
    throw new CannotPlanError(
      'missing_information',
      'a cancel step cancels one meeting; say which one (attendee, day or title)',
    );
  }
  const reason = clause.take(/\b(?:because|since|as|due to|reason:?)\s+(?<take>.+)$/i);
  const found = requireMatch(takeMatch(clause, ctx), clause);
  const why = tidy(reason?.groups?.take ?? '');
  return [changeDraft('cancel_meeting', found, why ? { reason: why } : {})];
}

/**
 * "move my call with bob@x.com tomorrow to 4pm" → update_meeting { match:
 * { attendee, date }, time }. The text after the last "to" is the change
 * (a time, a length or a new name); the text before it finds the meeting.
 */
export function updateRule(clause: ClauseText, ctx: RuleContext): Draft[] {
  const shift = takeShift(clause);
  if (shift) {
    const found = requireMatch(takeMatch(clause, ctx, true), clause);
    return [changeDraft('update_meeting', found, { shift })];
  }
  const renaming = /\b(?:rename|retitle|title|name)\b/i.test(clause.original);
  const split = lastSplit(clause.rest);
  const change = split === null ? clause : clause.region(split.at);
  const params: Record<string, unknown> = {};

  const minutes = takeDuration(change);
  if (minutes !== null && minutes >= 5 && minutes <= 1440) params.duration_minutes = minutes;
  const when = renaming ? null : takeWhen(change, ctx.ref);
  if (renaming && split !== null) {
    const title = takeTitle(change) ?? tidy(change.rest);
    change.blank(0, change.rest.length);
    if (title) params.title = title;
  }
  if (split !== null) clause.blank(split.index, split.at - split.index);
  const found = requireMatch(takeMatch(clause, ctx), clause);
  const { match } = found;

  if (when?.time) {
    // "move tomorrow's call to 4pm": an hour alone keeps the meeting's day.
    params.time = !when.dayGiven && match.date ? `${match.date}${when.time.slice(10)}` : when.time;
    // "move Friday's call to Monday": a weekday after the meeting's day, not before it.
    const weekdayOnly = WEEKDAY.test(when.text) && !DATE_WORDS.test(when.text);
    while (weekdayOnly && match.date && String(params.time) < match.date) {
      params.time = localIso(fromLocal(String(params.time), ctx.ref).plus({ weeks: 1 }));
    }
    if (!when.dayGiven && !match.date)
      ctx.guess(`no day given for the new time; assumed ${when.date}`);
    when.guesses.forEach((g) => ctx.guess(g));
  } else if (when) {
    throw new CannotPlanError(
      'missing_information',
      `what time on ${when.date}? The new time needs an hour`,
    );
  }
  if (split === null && when?.time)
    ctx.guess('no "to …" in the sentence; read the time given as the new time');
  if (Object.keys(params).length === 0) {
    throw new CannotPlanError(
      'missing_information',
      'what should change? Give a new time, length or title',
    );
  }
  return [changeDraft('update_meeting', found, params)];
}

/** Where the last " to "/" until " starts and where the text after it begins. */
function lastSplit(text: string): { index: number; at: number } | null {
  let found: { index: number; at: number } | null = null;
  for (const m of text.matchAll(/\s(?:to|until|till|into)\s/gi)) {
    found = { index: m.index, at: m.index + m[0].length };
  }
  return found;
}
