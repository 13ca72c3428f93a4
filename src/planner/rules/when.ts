import type { ClauseText } from './clause-text';
import { takeChrono } from './chrono-when';
import { AMOUNT, amountMinutes } from './quantities';
import { isoDate, localIso, type Reference } from './reference';

export type PartOfDay = 'morning' | 'afternoon' | 'evening';

/** A date or time found in a clause, as wall-clock values in the reference zone. */
export interface When {
  text: string;
  /** YYYY-MM-DD */
  date: string;
  /** YYYY-MM-DDTHH:mm:ss, when the sentence gave an hour. */
  time?: string;
  /** End of a range ("from 2 to 3pm"), local ISO. */
  end?: string;
  /** Last day of a range of days ("next week"). */
  endDate?: string;
  /** False when the day was inferred from an hour alone ("at 3pm"). */
  dayGiven: boolean;
  partOfDay?: PartOfDay;
  /** Readings the rules had to guess. */
  guesses: string[];
}

/** Working-hours windows a part of the day stands for. */
export const PART_OF_DAY_HOURS: Record<PartOfDay, [number, number]> = {
  morning: [8, 12],
  afternoon: [12, 18],
  evening: [18, 22],
};

/**
 * Takes the first date/time in the clause: relative amounts ("in 2 hours"),
 * weeks ("next week"), and everything chrono reads ("Jan 13 at 3pm", "next
 * Tuesday", "tomorrow at noon", "from 2 to 3pm"). Returns null when none.
 */
export function takeWhen(clause: ClauseText, ref: Reference): When | null {
  return takeRelative(clause, ref) ?? takeWeek(clause, ref) ?? takeChrono(clause, ref);
}

function takeRelative(clause: ClauseText, ref: Reference): When | null {
  const m =
    clause.take(new RegExp(`(?<![a-z])in\\s+${AMOUNT}(?:\\s+from now)?(?!\\s+at\\b)`, 'i')) ??
    clause.take(new RegExp(`(?<![a-z])${AMOUNT}\\s+from now`, 'i'));
  const minutes = m?.groups?.amount ? amountMinutes(m.groups.amount) : null;
  if (!m || minutes === null) return null;
  const at = ref.now.plus({ minutes }).set({ second: 0, millisecond: 0 });
  if (minutes >= 1440) return { text: m[0], date: isoDate(at), dayGiven: true, guesses: [] };
  return { text: m[0], date: isoDate(at), time: localIso(at), dayGiven: true, guesses: [] };
}

function takeWeek(clause: ClauseText, ref: Reference): When | null {
  const m = clause.take(/\b(?:(?<next>next|the coming)|this)\s+week\b(?!\s+on\b)/i);
  if (!m) return null;
  const monday = ref.now.startOf('week');
  const start = m.groups?.next ? monday.plus({ weeks: 1 }) : ref.now.startOf('day');
  const friday = (m.groups?.next ? monday.plus({ weeks: 1 }) : monday).plus({ days: 4 });
  // On a weekend "this week" has no working days left: the range is just today.
  const last = friday < start ? start : friday;
  return { text: m[0], date: isoDate(start), endDate: isoDate(last), dayGiven: true, guesses: [] };
}
