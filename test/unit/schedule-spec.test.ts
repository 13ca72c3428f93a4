import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { parseSchedule, ScheduleSyntaxError } from '../../src/schedules/schedule-spec';

describe('reading a schedule', () => {
  it.each([
    ['every Monday at 9am', { cron: '0 9 * * 1' }],
    ['every weekday at 8:30', { cron: '30 8 * * 1-5' }],
    ['every day at 17:00', { cron: '0 17 * * *' }],
    ['daily at noon', { cron: '0 12 * * *' }],
    ['every Monday and Thursday at 9:30 pm', { cron: '30 21 * * 1,4' }],
    ['every Tuesday, Friday at midnight', { cron: '0 0 * * 2,5' }],
    ['every weekend at 10am', { cron: '0 10 * * 0,6' }],
    ['every hour', { cron: '0 * * * *' }],
    ['every 15 minutes', { cron: '*/15 * * * *' }],
    ['every 90 minutes', { interval_minutes: 90 }],
    ['every 6 hours', { cron: '0 */6 * * *' }],
    ['every 5 hours', { interval_minutes: 300 }],
    ['on the 1st of every month at 9am', { cron: '0 9 1 * *' }],
    ['every month on the 15th at 8:00', { cron: '0 8 15 * *' }],
    ['0 9 * * 1-5', { cron: '0 9 * * 1-5' }],
    ['*/5 * * * *', { cron: '*/5 * * * *' }],
    ['59 8,9 * * *', { cron: '59 8,9 * * *' }],
    ['  30   8 * * MON ', { cron: '30 8 * * MON' }],
  ])('reads %j', (text, timing) => {
    expect(parseSchedule(text, 'Europe/Berlin')).toEqual(timing);
  });

  it.each([
    ['', /empty/],
    ['every minute', /more often than every 5 minutes/],
    ['every 2 minutes', /more often than every 5 minutes/],
    ['* * * * *', /more often than every 5 minutes/],
    ['0,1 9 * * *', /more often than every 5 minutes/],
    ['0,59 8-9 * * *', /more often than every 5 minutes/],
    ['61 * * * *', /not a valid cron expression/],
    ['0 9 * * 1 2026', /neither a cron expression nor words/],
    ['every Monday', /needs "at" and a time/],
    ['every Funday at 9am', /which days/],
    ['every day at teatime', /no time of day/],
    ['on the 32nd of every month at 9am', /no day 32/],
    ['every 9999 hours', /longer than a week/],
    ['x'.repeat(101), /longer than 100/],
    ['please run rm -rf at 9am', /which days/],
  ])('refuses %j, saying why', (text, why) => {
    let error: unknown;
    try {
      parseSchedule(text, 'UTC');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ScheduleSyntaxError);
    expect((error as Error).message).toMatch(why);
  });

  it('keeps the wall-clock time across a DST change when the cron line is read in the zone', () => {
    const { cron } = parseSchedule('every day at 9am', 'Europe/Berlin') as { cron: string };
    // Berlin moves to summer time on the last Sunday of March: 2090-03-26.
    const runs = CronExpressionParser.parse(cron, {
      tz: 'Europe/Berlin',
      currentDate: new Date('2090-03-24T12:00:00Z'),
    });
    const next = Array.from({ length: 4 }, () => runs.next().toISOString());
    expect(next).toEqual([
      '2090-03-25T08:00:00.000Z',
      '2090-03-26T07:00:00.000Z',
      '2090-03-27T07:00:00.000Z',
      '2090-03-28T07:00:00.000Z',
    ]);
  });
});
