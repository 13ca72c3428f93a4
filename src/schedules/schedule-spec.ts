import * as chrono from 'chrono-node';
import { CronExpressionParser } from 'cron-parser';

/** The longest `schedule` text accepted: a cron line or a short phrase, never a document. */
export const MAX_SCHEDULE_LENGTH = 100;
/** No schedule runs a plan more often than this: each run is a plan, its steps and their messages. */
export const MIN_INTERVAL_MINUTES = 5;

/**
 * When a schedule runs, as Temporal's spec takes it: a 5-field cron line read
 * in the schedule's time zone (so a DST change keeps the wall-clock time), or
 * a fixed interval for steps a cron line cannot express ("every 90 minutes").
 */
export type ScheduleTiming = { cron: string } | { interval_minutes: number };

export class ScheduleSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleSyntaxError';
  }
}

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const CRON_FIELD = /^[0-9A-Za-z*,/-]+$/;

/**
 * Reads a cron expression (5 fields) or words such as "every Monday at 9am",
 * "every weekday at 8:30", "every 15 minutes", "on the 1st of every month at 9am".
 * Throws ScheduleSyntaxError saying why a text is refused.
 */
export function parseSchedule(text: string, timezone: string): ScheduleTiming {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  if (trimmed.length === 0) throw new ScheduleSyntaxError('is empty');
  if (trimmed.length > MAX_SCHEDULE_LENGTH) {
    throw new ScheduleSyntaxError(`is longer than ${MAX_SCHEDULE_LENGTH} characters`);
  }
  const fields = trimmed.split(' ');
  const timing =
    fields.length === 5 && fields.every((f) => CRON_FIELD.test(f)) && /^[0-9*]/.test(trimmed)
      ? { cron: checkedCron(trimmed, timezone) }
      : fromWords(trimmed.toLowerCase());
  if ('interval_minutes' in timing && timing.interval_minutes < MIN_INTERVAL_MINUTES) {
    throw tooOften();
  }
  return timing;
}

const tooOften = () =>
  new ScheduleSyntaxError(`runs more often than every ${MIN_INTERVAL_MINUTES} minutes`);

function checkedCron(cron: string, timezone: string): string {
  let parsed;
  try {
    parsed = CronExpressionParser.parse(cron, { tz: timezone, strict: false });
  } catch (err) {
    throw new ScheduleSyntaxError(`is not a valid cron expression: ${(err as Error).message}`);
  }
  const minutes = [...parsed.fields.minute.values].map(Number).sort((a, b) => a - b);
  const hours = [...parsed.fields.hour.values].map(Number).sort((a, b) => a - b);
  if (smallestGap(minutes, hours) < MIN_INTERVAL_MINUTES) throw tooOften();
  return cron;
}

/**
 * The shortest time between two runs: between minutes of one hour, or from the
 * last minute of an hour to the first of the next when consecutive hours run.
 */
function smallestGap(minutes: number[], hours: number[]): number {
  let gap = Infinity;
  for (let i = 1; i < minutes.length; i++) gap = Math.min(gap, minutes[i]! - minutes[i - 1]!);
  const consecutive = hours.length === 24 || hours.some((h, i) => i > 0 && h - hours[i - 1]! === 1);
  if (consecutive) gap = Math.min(gap, 60 - minutes[minutes.length - 1]! + minutes[0]!);
  return gap;
}

function fromWords(text: string): ScheduleTiming {
  const every = /^every (\d{1,4}) (minute|hour)s?$/.exec(text);
  if (every) return stepped(Number(every[1]), every[2] === 'hour' ? 60 : 1);
  if (text === 'every minute') throw tooOften();
  if (text === 'every hour' || text === 'hourly') return { cron: '0 * * * *' };

  const [when, at] = splitAt(text);
  const { hour, minute } = timeOfDay(at);
  const monthly =
    /^(?:on the (\d{1,2})(?:st|nd|rd|th)? of every month|every month on the (\d{1,2})(?:st|nd|rd|th)?)$/.exec(
      when,
    );
  if (monthly) {
    const day = Number(monthly[1] ?? monthly[2]);
    if (day < 1 || day > 31) throw new ScheduleSyntaxError(`has no day ${day} in a month`);
    return { cron: `${minute} ${hour} ${day} * *` };
  }
  const days = daysOf(when);
  return { cron: `${minute} ${hour} * * ${days}` };
}

function stepped(n: number, unit: 1 | 60): ScheduleTiming {
  const minutes = n * unit;
  if (minutes < MIN_INTERVAL_MINUTES) throw tooOften();
  if (minutes > 7 * 24 * 60) throw new ScheduleSyntaxError('has an interval longer than a week');
  // On the clock when the step divides the hour or the day: "every 15 minutes" runs at :00, :15, …
  if (unit === 1 && 60 % n === 0) return { cron: `*/${n} * * * *` };
  if (unit === 60 && 24 % n === 0) return { cron: n === 24 ? '0 0 * * *' : `0 */${n} * * *` };
  return { interval_minutes: minutes };
}

function splitAt(text: string): [string, string] {
  const index = text.lastIndexOf(' at ');
  if (index < 0) {
    throw new ScheduleSyntaxError(
      'is neither a cron expression nor words such as "every Monday at 9am", "every weekday at 8:30", "every 15 minutes" or "on the 1st of every month at 9am"; a daily, weekly or monthly schedule needs "at" and a time',
    );
  }
  return [text.slice(0, index), text.slice(index + 4)];
}

function timeOfDay(text: string): { hour: number; minute: number } {
  if (text === 'noon') return { hour: 12, minute: 0 };
  if (text === 'midnight') return { hour: 0, minute: 0 };
  const [found] = chrono.strict.parse(text, new Date(0));
  if (!found || found.text.length !== text.length || found.start.isCertain('day')) {
    throw new ScheduleSyntaxError(`has no time of day in "${text}" (say "9am", "8:30" or "17:00")`);
  }
  return { hour: found.start.get('hour') ?? 0, minute: found.start.get('minute') ?? 0 };
}

/** The cron day-of-week field of "every day", "every weekday", "every Monday and Thursday". */
function daysOf(when: string): string {
  if (when === 'every day' || when === 'daily') return '*';
  if (when === 'every weekday') return '1-5';
  if (when === 'every weekend') return '0,6';
  const list = /^every (.+)$/.exec(when)?.[1];
  const names = list?.split(/\s*(?:,|\band\b)\s*/).filter(Boolean) ?? [];
  const numbers = names.map((name) => DAYS.indexOf(name.replace(/s$/, '')));
  if (names.length === 0 || numbers.some((n) => n < 0)) {
    throw new ScheduleSyntaxError(
      `does not say which days in "${when}" (say "every day", "every weekday" or "every Monday")`,
    );
  }
  return [...new Set(numbers)].sort((a, b) => a - b).join(',');
}
