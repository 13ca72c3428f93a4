import { describe, expect, it } from 'vitest';
import { MAX_SLOT_DAYS, freeSlots } from '../../src/activities/free-slots';
import { longestWorkingStretch } from '../../src/tenants/working-stretch';
import { readTenantSettings } from '../../src/tenants/tenant-settings';

const hours = readTenantSettings({}).working_hours;
const at = (iso: string) => new Date(iso);
const iso = (slots: { start: Date; end: Date }[]) =>
  slots.map((s) => [s.start.toISOString(), s.end.toISOString()]);

describe('freeSlots', () => {
  it('offers working hours minus the lunch break on a free day', () => {
    const slots = freeSlots({
      from: at('2026-01-13T00:00:00Z'),
      to: at('2026-01-14T00:00:00Z'),
      durationMinutes: 30,
      timezone: 'UTC',
      workingHours: hours,
      busy: [],
    });
    expect(iso(slots)).toEqual([
      ['2026-01-13T09:00:00.000Z', '2026-01-13T12:00:00.000Z'],
      ['2026-01-13T13:00:00.000Z', '2026-01-13T17:00:00.000Z'],
    ]);
  });

  it('works in the plan time zone', () => {
    const slots = freeSlots({
      from: at('2026-01-12T23:00:00Z'),
      to: at('2026-01-13T23:00:00Z'),
      durationMinutes: 30,
      timezone: 'Europe/Paris',
      workingHours: hours,
      busy: [],
    });
    expect(slots[0].start.toISOString()).toBe('2026-01-13T08:00:00.000Z');
  });

  it('leaves out busy time and windows too short for the meeting', () => {
    const busy = [{ start: at('2026-01-13T09:20:00Z'), end: at('2026-01-13T11:50:00Z') }];
    const slots = freeSlots({
      from: at('2026-01-13T00:00:00Z'),
      to: at('2026-01-14T00:00:00Z'),
      durationMinutes: 30,
      timezone: 'UTC',
      workingHours: hours,
      busy,
    });
    expect(slots[0].start.toISOString()).toBe('2026-01-13T13:00:00.000Z');
  });

  it('skips weekends and starts no earlier than from, on a quarter hour', () => {
    const slots = freeSlots({
      from: at('2026-01-16T16:50:00Z'),
      to: at('2026-01-20T00:00:00Z'),
      durationMinutes: 60,
      timezone: 'UTC',
      workingHours: hours,
      busy: [],
    });
    expect(slots[0].start.toISOString()).toBe('2026-01-19T09:00:00.000Z');
    const later = freeSlots({
      from: at('2026-01-13T10:07:00Z'),
      to: at('2026-01-14T00:00:00Z'),
      durationMinutes: 30,
      timezone: 'UTC',
      workingHours: hours,
      busy: [],
    });
    expect(later[0].start.toISOString()).toBe('2026-01-13T10:15:00.000Z');
  });

  it('finds nothing on a full day', () => {
    const busy = [{ start: at('2026-01-13T08:00:00Z'), end: at('2026-01-13T18:00:00Z') }];
    expect(
      freeSlots({
        from: at('2026-01-13T00:00:00Z'),
        to: at('2026-01-14T00:00:00Z'),
        durationMinutes: 30,
        timezone: 'UTC',
        workingHours: hours,
        busy,
      }),
    ).toEqual([]);
  });
});

describe('freeSlots bounds', () => {
  it('walks at most MAX_SLOT_DAYS days, however wide the window', () => {
    // Only Sundays are working days and every slot is busy but one, 200 days out:
    // an unbounded walk would find it, a bounded one stops long before.
    const sundays = { ...hours, days: [7] };
    const slots = freeSlots({
      from: at('2026-01-05T00:00:00Z'),
      to: at('9999-12-31T00:00:00Z'),
      durationMinutes: 30,
      timezone: 'UTC',
      workingHours: sundays,
      busy: [{ start: at('2026-01-01T00:00:00Z'), end: at('2026-07-01T00:00:00Z') }],
    });
    expect(slots).toEqual([]);
    expect(MAX_SLOT_DAYS).toBe(92);
  });

  it('stops at the cap on a window with free days', () => {
    const slots = freeSlots({
      from: at('2026-01-05T00:00:00Z'),
      to: at('9999-12-31T00:00:00Z'),
      durationMinutes: 30,
      timezone: 'UTC',
      workingHours: hours,
      busy: [],
      limit: 10_000,
    });
    const lastStart = slots[slots.length - 1].start.getTime();
    expect(lastStart).toBeLessThan(Date.parse('2026-01-05T00:00:00Z') + 92 * 24 * 3600_000);
  });

  it('finds nothing, without walking, for a meeting longer than any working stretch', () => {
    const slots = freeSlots({
      from: at('2026-01-05T00:00:00Z'),
      to: at('2026-01-10T00:00:00Z'),
      durationMinutes: 1440,
      timezone: 'UTC',
      workingHours: hours,
      busy: [],
    });
    expect(slots).toEqual([]);
  });
});

describe('longestWorkingStretch', () => {
  it.each([
    ['the default day with its lunch break', hours, 240],
    ['a day without breaks', { ...hours, breaks: [] }, 480],
    ['no working days', { ...hours, days: [] }, 0],
    [
      'two breaks',
      {
        ...hours,
        breaks: [
          { start: '10:00', end: '10:30' },
          { start: '15:00', end: '15:15' },
        ],
      },
      270,
    ],
  ])('%s', (_name, wh, minutes) => {
    expect(longestWorkingStretch(wh)).toBe(minutes);
  });
});
