import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import type { ClauseText } from './clause-text';
import { isoDate, localIso, type Reference } from './reference';
import type { When } from './when';

const MONTHS = 'jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec';

/** "on the 5th": chrono leaves a bare ordinal day alone; read it as the next such day. */
const ordinalDay: chrono.Parser = {
  pattern: () =>
    new RegExp(`\\bthe\\s+(\\d{1,2})(?:st|nd|rd|th)\\b(?!\\s+(?:of\\s+)?(?:${MONTHS}))`, 'i'),
  extract(context, match) {
    const day = Number(match[1]);
    if (day < 1 || day > 31) return null;
    const ref = context.createParsingComponents();
    let year = ref.get('year')!;
    let month = ref.get('month')!;
    if (day < ref.get('day')!) {
      month = month === 12 ? 1 : month + 1;
      if (month === 1) year += 1;
    }
    return { day, month, year };
  },
};

// Outside the Americas a date like 12/03 is day first. Only numeric dates go to
// the day-first parser: it reads "Jan 13" as January 2013.
const dayFirst = chrono.en.GB.clone();
const monthFirst = chrono.casual.clone();
for (const parser of [dayFirst, monthFirst]) parser.parsers.push(ordinalDay);

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  hourKnown: boolean;
  meridiemKnown: boolean;
  dayKnown: boolean;
}

function parts(c: chrono.ParsedComponents): Parts {
  return {
    year: c.get('year')!,
    month: c.get('month')!,
    day: c.get('day')!,
    hour: c.get('hour') ?? 0,
    minute: c.get('minute') ?? 0,
    hourKnown: c.isCertain('hour'),
    meridiemKnown: c.isCertain('meridiem'),
    dayKnown: c.isCertain('day') || c.isCertain('weekday'),
  };
}

/**
 * Takes the first date/time chrono finds in the clause ("Jan 13 at 3pm", "next
 * Tuesday", "tomorrow from 2 to 3pm"), joining an hour and a day that stand
 * apart ("a 3pm call with x tomorrow"), as wall-clock values in the zone.
 */
export function takeChrono(clause: ClauseText, ref: Reference): When | null {
  const text = clause.rest;
  const numeric = /\b\d{1,2}\/\d{1,2}\b/.test(text);
  const parser = numeric && !ref.zone.startsWith('America/') ? dayFirst : monthFirst;
  const results = parser
    .parse(text, { instant: ref.now.toJSDate(), timezone: ref.now.offset }, { forwardDate: true })
    .filter((r) => !/^(?:(?:a|one)\s+sec(?:ond)?|(?:right\s+)?now)$/i.test(r.text.trim()));
  const first = results[0];
  if (!first) return null;
  const start = parts(first.start);
  let end = first.end ? parts(first.end) : undefined;
  let length = first.text.length;
  // chrono reads "between 2pm and 5pm tomorrow" as two times; join them into a range.
  const second = results[1];
  const gap = second ? text.slice(first.index + first.text.length, second.index) : '';
  const between = /\bbetween\s*$/i.test(text.slice(0, first.index));
  if (second && between && /^\s*(?:and|to|until|-)\s*$/i.test(gap)) {
    end = parts(second.start);
    length = second.index + second.text.length - first.index;
    if (!start.dayKnown && end.dayKnown) {
      Object.assign(start, { year: end.year, month: end.month, day: end.day, dayKnown: true });
    }
  }
  // "tomorrow's meeting": the possessive belongs to the date.
  if (/^'s\b/i.test(text.slice(first.index + length))) length += 2;
  clause.blank(first.index, length);
  let consumed = text.slice(first.index, first.index + length).trim();
  // "a 3pm call with x tomorrow": an hour and a day apart in the sentence make one time.
  const other = results.slice(1).find((r) => {
    const p = parts(r.start);
    return (
      (!start.dayKnown && p.dayKnown && !p.hourKnown) ||
      (!start.hourKnown && p.hourKnown && !p.dayKnown)
    );
  });
  if (other && !end) {
    const p = parts(other.start);
    if (p.dayKnown) {
      Object.assign(start, { year: p.year, month: p.month, day: p.day, dayKnown: true });
    } else {
      const hour = { hour: p.hour, minute: p.minute, meridiemKnown: p.meridiemKnown };
      Object.assign(start, { ...hour, hourKnown: true });
      // "tomorrow from 12 to 2pm": the range's end takes the day too.
      if (other.end)
        end = { ...parts(other.end), year: start.year, month: start.month, day: start.day };
    }
    clause.blank(other.index, other.text.length);
    consumed = `${consumed} ${other.text.trim()}`;
  }
  clause.take(/\bbetween(?=\s*$|\s{2})/i);

  const guesses: string[] = [];
  const wall = (p: Parts) =>
    DateTime.fromObject(
      { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute },
      { zone: ref.zone },
    );
  if (start.hourKnown && !start.meridiemKnown && start.hour >= 1 && start.hour <= 6) {
    // Nobody books a 3am call: a bare "at 3" means the afternoon.
    start.hour += 12;
    guesses.push(`read "${consumed}" as ${start.hour}:${String(start.minute).padStart(2, '0')}`);
    if (!start.dayKnown) {
      // chrono moved the passed 3am to tomorrow; 3pm today may still be ahead.
      let day = ref.now.set({ hour: start.hour, minute: start.minute, second: 0, millisecond: 0 });
      if (day < ref.now) day = day.plus({ days: 1 });
      Object.assign(start, { year: day.year, month: day.month, day: day.day });
    }
  }
  const dt = wall(start);
  const dayGiven = start.dayKnown || /\b(?:today|tonight|tomorrow)\b/i.test(consumed);
  const when: When = { text: consumed, date: isoDate(dt), dayGiven, guesses };
  if (start.hourKnown) {
    when.time = localIso(dt);
    if (end?.hourKnown) {
      if (end.hour < start.hour && end.hour + 12 <= 23 && !end.meridiemKnown) end.hour += 12;
      when.end = localIso(wall(end));
    }
  } else {
    const part = /\b(morning|afternoon|evening|tonight|night)\b/i
      .exec(consumed)?.[1]
      ?.toLowerCase();
    if (part) when.partOfDay = part === 'morning' || part === 'afternoon' ? part : 'evening';
    if (end?.dayKnown) when.endDate = isoDate(wall(end));
  }
  return when;
}
