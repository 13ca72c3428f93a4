import { describe, expect, it } from 'vitest';
import { freeSlots } from '../../src/activities/free-slots';
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
