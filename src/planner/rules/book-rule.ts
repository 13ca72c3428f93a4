import { CannotPlanError } from '../planner';
import type { ClauseText } from './clause-text';
import { takeEmails } from './contacts';
import type { Draft, RuleContext } from './draft';
import {
  NOT_A_MEETING,
  defaultTitle,
  nounTitle,
  takeFirstFree,
  takeLocation,
  takeMeetingNoun,
  takeTitle,
  takeTopic,
} from './meeting-parts';
import { takePeople } from './people';
import { takeDuration } from './quantities';
import { fromLocal, localIso } from './reference';
import { PART_OF_DAY_HOURS, takeWhen, type When } from './when';

export const DEFAULT_MEETING_MINUTES = 30;

/** "book it", "schedule that", "book the slot": a booking of the slot an earlier check finds. */
const BOOK_IT =
  /^\s*(?:it|that|this|one|the (?:first )?(?:slot|time|one))\b(?:\s+(?:in|for me|then))?/i;

/** "with the team", "with sales": a group the contacts cannot name one address for. */
const UNRESOLVED_GROUP = /\bwith\s+(?<who>(?!me\b|my calendar\b)the\s+[a-z][\w'-]*)/i;

/**
 * "book a 45-minute demo with a@x.com on Jan 13 at 3pm titled Kickoff" →
 * book_meeting. With no hour it books the first free slot found by an
 * earlier or added check_availability step, or gives up with
 * missing_information. Returns null when the clause names no meeting.
 */
export function bookRule(clause: ClauseText, ctx: RuleContext, noun?: string): Draft[] | null {
  const people: string[] = [];
  const drafts = readBooking(clause, ctx, noun, people);
  const booking = drafts?.find((d) => d.type === 'book_meeting');
  if (booking && people.length > 0) {
    booking.people = people.map((name) => ({ name, field: 'attendees', kind: 'email' }));
  }
  return drafts;
}

function readBooking(
  clause: ClauseText,
  ctx: RuleContext,
  noun: string | undefined,
  people: string[],
): Draft[] | null {
  if (clause.has(NOT_A_MEETING) && !clause.has(/@/)) {
    throw new CannotPlanError(
      'outside_allowlist',
      `only calendar meetings can be booked, not "${clause.original.trim()}"`,
    );
  }
  const attendees = takeEmails(clause);
  const title = takeTitle(clause);
  const explicitMinutes = takeDuration(clause);
  const kind = takeMeetingNoun(clause) ?? noun ?? null;
  const bookIt = kind === null && attendees.length === 0 && clause.take(BOOK_IT) !== null;
  const slot = ctx.earlier.findLast((d) => d.type === 'check_availability');
  if (kind === null && attendees.length === 0 && !(bookIt && slot)) return null;
  const firstFree = takeFirstFree(clause);
  const topic = takeTopic(clause);
  const location = takeLocation(clause);
  const when = takeWhen(clause, ctx.ref);
  clause.take(/\b(?:to|in|on|into)\s+(?:my|the|our)\s+calendar\b|\bwith me\b/i);

  // "find a free slot with ed@x.com … and book it": the people the slot was found for.
  if (attendees.length === 0 && slot?.with) attendees.push(...slot.with);
  people.push(...takePeople(clause, '\\bwith\\s+'));
  const named = people.length === 0 ? clause.take(UNRESOLVED_GROUP)?.groups?.who : undefined;
  if (named && attendees.length === 0) {
    throw new CannotPlanError(
      'missing_information',
      `who is "${named}"? Give an email address to invite them`,
    );
  }
  // "between 2 and 5pm" is a window to find a slot in, not a three-hour meeting.
  const slotWindow =
    when?.time !== undefined && when.end !== undefined && /\bbetween\b/i.test(clause.original);
  const duration = meetingMinutes(explicitMinutes, slotWindow ? null : when, ctx);
  const what = kind ?? (bookIt ? (slot?.noun ?? null) : null);
  const params: Record<string, unknown> = {
    title:
      title ??
      (topic ? `${nounTitle(what)} about ${topic}` : defaultTitle(what, [...attendees, ...people])),
    duration_minutes: duration,
  };
  // No attendees is a block in the user's own calendar ("lunch tomorrow at 12:30").
  if (attendees.length > 0) params.attendees = attendees;
  if (!title && !topic) ctx.guess(`no title given; used "${String(params.title)}"`);
  if (location) params.location = location;
  when?.guesses.forEach((g) => ctx.guess(g));

  if (slotWindow) {
    return [windowSlot(when, duration), { type: 'book_meeting', params, chain: 'availability' }];
  }
  if (when?.time && !firstFree) {
    if (when.dayGiven) {
      if (when.time < localIso(ctx.ref.now)) ctx.guess(`${when.time} is in the past`);
      return [{ type: 'book_meeting', params: { ...params, time: when.time }, day: when.date }];
    }
    // "on Friday book a call at 10am and a lunch at 12:30": the lunch is on Friday too.
    const day = ctx.earlier.findLast((d) => d.type === 'book_meeting' && d.day)?.day;
    if (day) {
      const time = `${day}${when.time.slice(10)}`;
      return [{ type: 'book_meeting', params: { ...params, time }, day }];
    }
    // A later booking may still name the day ("…, both on Dec 3"): shareDays decides.
    return [{ type: 'book_meeting', params: { ...params, time: when.time }, hourOnly: true }];
  }
  if (firstFree || when?.partOfDay) {
    return [
      firstFreeSlot(when, duration, ctx),
      { type: 'book_meeting', params, chain: 'availability' },
    ];
  }
  const missing = when
    ? `what time on ${when.date}? The meeting has a day but no hour`
    : 'when should the meeting be? No date or time was given';
  return [{ type: 'book_meeting', params, chain: 'availability', requiresChain: missing }];
}

function meetingMinutes(explicit: number | null, when: When | null, ctx: RuleContext): number {
  if (explicit !== null && explicit >= 5 && explicit <= 1440) return explicit;
  if (explicit !== null)
    ctx.guess(`a meeting lasts 5 to 1440 minutes; ignored ${explicit} minutes`);
  if (when?.time && when.end) {
    const span = fromLocal(when.end, ctx.ref).diff(
      fromLocal(when.time, ctx.ref),
      'minutes',
    ).minutes;
    if (span >= 5 && span <= 1440) return Math.round(span);
  }
  // "find a free 45-minute slot and book a call": the booking fills the slot it was found for.
  const found = ctx.earlier.findLast((d) => d.type === 'check_availability')?.params
    .duration_minutes;
  if (!when?.time && typeof found === 'number') return found;
  ctx.guess(`no duration given; assumed ${DEFAULT_MEETING_MINUTES} minutes`, 0.97);
  return DEFAULT_MEETING_MINUTES;
}

function windowSlot(when: When, duration: number): Draft {
  return {
    type: 'check_availability',
    params: { from: when.time, to: when.end, duration_minutes: duration },
  };
}

/** A check_availability step for "the first free slot" in the window the clause gave. */
function firstFreeSlot(when: When | null, duration: number, ctx: RuleContext): Draft {
  const date = when?.date ?? ctx.ref.now.toFormat('yyyy-MM-dd');
  if (!when) ctx.guess(`no day given for the free slot; searching from today (${date})`);
  const params: Record<string, unknown> = { from: date, duration_minutes: duration };
  if (when?.partOfDay) {
    const [from, to] = PART_OF_DAY_HOURS[when.partOfDay];
    params.from = `${date}T${String(from).padStart(2, '0')}:00:00`;
    params.to = `${date}T${String(to).padStart(2, '0')}:00:00`;
    ctx.guess(
      `no exact time; booking the first free slot in the ${when.partOfDay} of ${date}`,
      0.85,
    );
  } else if (when?.endDate) {
    params.to = when.endDate;
  }
  return { type: 'check_availability', params };
}

/**
 * Gives a booking that named only an hour the day of the nearest later
 * booking that named one ("a sync at 10am and an interview at 2pm, both on
 * Dec 3"); with none, the day chrono assumed stands, as a guess.
 */
export function shareDays(drafts: Draft[], ctx: Pick<RuleContext, 'ref' | 'guess'>): void {
  drafts.forEach((draft, i) => {
    if (!draft.hourOnly) return;
    const time = String(draft.params.time);
    const day = drafts.slice(i + 1).find((d) => d.type === 'book_meeting' && d.day)?.day;
    if (day) {
      draft.params.time = `${day}${time.slice(10)}`;
      draft.day = day;
    } else {
      ctx.guess(`no day given; assumed ${time.slice(0, 10)}`);
      if (time < localIso(ctx.ref.now)) ctx.guess(`${time} is in the past`);
    }
    delete draft.hourOnly;
  });
}
