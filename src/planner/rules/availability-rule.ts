import type { ClauseText } from './clause-text';
import type { Draft, RuleContext } from './draft';
import { takeEmails } from './contacts';
import { takeMeetingNoun } from './meeting-parts';
import { takeDuration } from './quantities';
import { fromLocal, localIso } from './reference';
import { PART_OF_DAY_HOURS, takeWhen } from './when';

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * "when am I free tomorrow?", "find a free 45-minute slot next week", "am I
 * free on friday afternoon?" → check_availability { from, to?,
 * duration_minutes? }: a day, a part of a day, an hour, or a range of days.
 */
export function availabilityRule(clause: ClauseText, ctx: RuleContext): Draft[] {
  // "a free hour", "an open half hour": a length with a word in the way.
  const spare = clause.take(
    /\b(?:an?|one)\s+(?:free|open|spare|clear|whole|full)\s+(?<u>hour|half[- ]hour)\b/i,
  )?.groups?.u;
  const minutes = spare ? (/half/i.test(spare) ? 30 : 60) : takeDuration(clause);
  // "a free slot with ed@x.com for a call": who and what the slot is for, if a booking follows.
  const people = takeEmails(clause);
  if (people.length > 0) clause.take(/\b(?:with|for)\s*(?=\s{2}|$)/i);
  const noun = takeMeetingNoun(clause);
  const when = takeWhen(clause, ctx.ref);
  clause.takeAll(
    /\b(?:free|slots?|times?|availability|available|open|gaps?|calendar|window|spots?|meeting|call|when|am|is|check|find|look|space|room|anything|something)\b/i,
  );
  const params: Record<string, unknown> = {};
  const duration = minutes !== null && minutes >= 5 && minutes <= 1440 ? minutes : undefined;
  if (duration !== undefined) params.duration_minutes = duration;

  if (!when) {
    const today = ctx.ref.now.toFormat('yyyy-MM-dd');
    ctx.guess(`no day given; checking from today (${today})`);
    params.from = today;
  } else if (when.time) {
    params.from = when.time;
    // "am I free at 3pm?" asks about one slot: the window is that slot.
    params.to =
      when.end ?? localIso(fromLocal(when.time, ctx.ref).plus({ minutes: duration ?? 30 }));
    when.guesses.forEach((g) => ctx.guess(g));
  } else if (when.partOfDay) {
    const [from, to] = PART_OF_DAY_HOURS[when.partOfDay];
    params.from = `${when.date}T${pad(from)}:00:00`;
    params.to = `${when.date}T${pad(to)}:00:00`;
  } else {
    params.from = when.date;
    if (when.endDate) params.to = when.endDate;
  }
  const draft: Draft = { type: 'check_availability', params };
  if (people.length > 0) draft.with = people;
  if (noun) draft.noun = noun;
  return [draft];
}
