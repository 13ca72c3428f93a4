import { describe, expect, it } from 'vitest';
import { parseOffset } from '../../src/plan/offset';
import { applyOffset, toInstant } from '../../src/time/zoned-time';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('parseOffset', () => {
  it.each([
    ['-1h', -HOUR],
    ['-30m', -30 * MIN],
    ['-1d', -DAY],
    ['-1h30m', -90 * MIN],
    ['-2w', -14 * DAY],
    ['+15m', 15 * MIN],
    ['1h', HOUR],
    ['-1 hour', -HOUR],
    ['-45 minutes', -45 * MIN],
  ])('%s is %d ms', (text, ms) => {
    expect(parseOffset(text)).toBe(ms);
  });

  it.each(['', '-', '-60', 'soon', '-1x', 'abc', '-500d'])('refuses %j', (text) => {
    expect(parseOffset(text)).toBeNull();
  });
});

describe('reminder time: the chained start plus the offset', () => {
  it.each([
    [
      'a day before, across a DST change',
      '2026-03-29T15:00:00',
      'Europe/Paris',
      '-1d',
      '2026-03-28T14:00:00.000Z',
    ],
    ['an hour before', '2026-01-13T15:00:00', 'Europe/Paris', '-1h', '2026-01-13T13:00:00.000Z'],
    [
      '90 minutes before, in New York',
      '2026-07-01T09:00:00',
      'America/New_York',
      '-1h30m',
      '2026-07-01T11:30:00.000Z',
    ],
    ['two weeks before', '2026-12-01T10:00:00Z', 'UTC', '-2w', '2026-11-17T10:00:00.000Z'],
    [
      '36 hours before, across a DST change',
      '2026-03-29T15:00:00',
      'Europe/Paris',
      '-36h',
      '2026-03-28T02:00:00.000Z',
    ],
    [
      '24 exact hours are a day',
      '2026-10-25T15:00:00',
      'Europe/Paris',
      '-24h',
      '2026-10-24T13:00:00.000Z',
    ],
    ['15 minutes after', '2026-01-13T15:00:00', 'UTC', '+15m', '2026-01-13T15:15:00.000Z'],
  ])('%s', (_name, start, zone, offset, expected) => {
    const fireAt = applyOffset(toInstant(start, zone), parseOffset(offset)!, zone);
    expect(fireAt.toISOString()).toBe(expected);
  });
});

describe('toInstant', () => {
  it.each([
    ['2026-01-13T15:00:00', 'Europe/Paris', '2026-01-13T14:00:00.000Z'],
    ['2026-07-13T15:00:00', 'Europe/Paris', '2026-07-13T13:00:00.000Z'],
    ['2026-01-13T15:00', 'UTC', '2026-01-13T15:00:00.000Z'],
    ['2026-01-13T15:00:00+05:30', 'Europe/Paris', '2026-01-13T09:30:00.000Z'],
    ['2026-01-13T15:00:00Z', 'America/New_York', '2026-01-13T15:00:00.000Z'],
    ['2026-01-13', 'Asia/Tokyo', '2026-01-12T15:00:00.000Z'],
  ])('%s in %s is %s', (value, zone, expected) => {
    expect(toInstant(value, zone).toISOString()).toBe(expected);
  });
});
