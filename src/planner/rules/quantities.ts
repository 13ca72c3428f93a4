import type { ClauseText } from './clause-text';

const WORD_NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  'forty-five': 45,
  forty: 40,
  sixty: 60,
  ninety: 90,
};

const WORDS = Object.keys(WORD_NUMBERS)
  .sort((x, y) => y.length - x.length)
  .join('|');
/** A number written as digits or as an everyday English word. */
export const NUMBER = `(?:\\d+(?:[.,]\\d+)?|${WORDS})`;
const UNIT = '(?:minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w)';
const LONG_UNIT = '(?:minutes?|mins?|hours?|hrs?|days?|weeks?|wks?)';

/**
 * An amount of time: "45 minutes", "a 15-minute", "1.5 hours", "an hour and a
 * half", "half an hour", "1h30", "2 days". Letter units ("1h", "30m") need
 * digits, so "and" is never read as "an d(ay)".
 */
export const AMOUNT_TEXT =
  `(?<![\\w-])(?:half an? hour|half[- ]hour|(?:a )?quarter (?:of an )?hour|` +
  `(?:\\d+(?:[.,]\\d+)?(?:\\s*|-)${UNIT}|(?:${WORDS})(?:\\s+|-)${LONG_UNIT})` +
  `(?![a-z])(?:\\s*(?:and\\s*)?(?:a half|\\d+\\s*(?:minutes?|mins?|m)?)(?![\\w:/.-]))?|` +
  `${NUMBER} and a half hours?)`;
/** AMOUNT_TEXT captured as the group `amount`. */
export const AMOUNT = `(?<amount>${AMOUNT_TEXT})`;

function toNumber(word: string): number {
  const n = WORD_NUMBERS[word.toLowerCase()];
  return n ?? Number(word.replace(',', '.'));
}

/** Reads an AMOUNT match as minutes; null when it does not parse. */
export function amountMinutes(text: string): number | null {
  const t = text.toLowerCase().trim();
  if (/^half(?: an?)?[- ]hour$/.test(t)) return 30;
  if (/quarter/.test(t)) return 15;
  const half = new RegExp(`^(${NUMBER}) and a half hours?$`).exec(t);
  if (half) return toNumber(half[1]!) * 60 + 30;
  const m = new RegExp(
    `^(${NUMBER})(?:\\s*|-)(${UNIT})(?:\\s*(?:and\\s*)?(a half|\\d+)\\s*(?:minutes?|mins?|m)?)?$`,
  ).exec(t);
  if (!m) return null;
  const n = toNumber(m[1]!);
  if (!Number.isFinite(n)) return null;
  const unit = m[2]!.charAt(0);
  const perUnit = unit === 'w' ? 7 * 1440 : unit === 'd' ? 1440 : unit === 'h' ? 60 : 1;
  let minutes = n * perUnit;
  if (m[3] === 'a half') minutes += perUnit / 2;
  else if (m[3]) minutes += Number(m[3]);
  return Math.round(minutes);
}

/**
 * Takes a meeting length: "for 45 minutes", "a 15-minute", "1 hour", "an hour
 * long". Leaves "in 2 hours" (a time) and "1 hour before" (an offset) alone.
 */
export function takeDuration(clause: ClauseText): number | null {
  const m = clause.take(
    new RegExp(
      `(?<![a-z])(?<!\\bin )(?:for\\s+|lasting\\s+|of\\s+)?(?:about\\s+)?${AMOUNT}(?:\\s+long)?(?!\\s+(?:before|after|earlier|prior|ahead|from now|later))`,
      'i',
    ),
  );
  if (!m?.groups?.amount) return null;
  return amountMinutes(m.groups.amount);
}

/**
 * Takes every reminder offset ("1 hour before", "a day before", "the day
 * before", "10 minutes after") and returns them as offset strings such as
 * "-1h", "-1d", "-1h30m", "+10m".
 */
export function takeOffsets(clause: ClauseText): string[] {
  const re = new RegExp(
    `(?<![a-z])(?:(?:${AMOUNT})|(?<the>the (?:day|night|week|hour)))\\s+(?<dir>before|prior|earlier|ahead|in advance|after|later)(?:\\s+(?:it|that|the (?:meeting|call|demo|event|lunch|start)|it starts))?`,
    'i',
  );
  const offsets: string[] = [];
  for (const m of clause.takeAll(re)) {
    const g = m.groups ?? {};
    const minutes = g.the
      ? { day: 1440, night: 1440, week: 7 * 1440, hour: 60 }[g.the.split(' ')[1]!.toLowerCase()]!
      : amountMinutes(g.amount ?? '');
    if (minutes === null || minutes <= 0) continue;
    const sign = /^(after|later)$/i.test(g.dir ?? '') ? '' : '-';
    offsets.push(sign + formatOffset(minutes));
  }
  return offsets;
}

/** 90 → "1h30m", 1440 → "1d", 45 → "45m". */
export function formatOffset(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}`;
}
