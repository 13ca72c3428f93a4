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
import { takeDuration } from './quantities';
import { fromLocal, localIso } from './reference';
import { PART_OF_DAY_HOURS, takeWhen, type When } from './when';

export const DEFAULT_MEETING_MINUTES = 30;

/**
 * "book a 45-minute demo with a@x.com on Jan 13 at 3pm titled Kickoff" →
 * book_meeting. With no hour it books the first free slot found by an
 * earlier or added check_availability step, or gives up with
 * missing_information. Returns null when the clause names no meeting.
 */
export function bookRule(clause: ClauseText, ctx: RuleContext, noun?: string): Draft[] | null {
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
  if (kind === null && attendees.length === 0) return null;
  const firstFree = takeFirstFree(clause);
  const topic = takeTopic(clause);
  const location = takeLocation(clause);
  const when = takeWhen(clause, ctx.ref);
  clause.take(/\b(?:to|in|on|into)\s+(?:my|the|our)\s+calendar\b|\bwith me\b/i);

  if (attendees.length === 0) {
    throw new CannotPlanError(
      'missing_information',
      'who should be invited? No email address was given',
    );
  }
  // "between 2 and 5pm" is a window to find a slot in, not a three-hour meeting.
  const slotWindow =
    when?.time !== undefined && when.end !== undefined && /\bbetween\b/i.test(clause.original);
  const duration = meetingMinutes(explicitMinutes, slotWindow ? null : when, ctx);
  const params: Record<string, unknown> = {
    title: title ?? (topic ? `${nounTitle(kind)} about ${topic}` : defaultTitle(kind, attendees)),
    duration_minutes: duration,
    attendees,
  };
  if (!title && !topic) ctx.guess(`no title given; used "${String(params.title)}"`);
  if (location) params.location = location;
  when?.guesses.forEach((g) => ctx.guess(g));

  if (slotWindow) {
    return [windowSlot(when, duration), { type: 'book_meeting', params, chain: 'availability' }];
  }
  if (when?.time && !firstFree) {
    if (!when.dayGiven) ctx.guess(`no day given; assumed ${when.date}`);
    if (when.time < localIso(ctx.ref.now)) ctx.guess(`${when.time} is in the past`);
    return [{ type: 'book_meeting', params: { ...params, time: when.time } }];
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
