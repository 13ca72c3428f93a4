import { describe, expect, it } from 'vitest';
import { workdayAhead } from '../support/workday-ahead';

describe('workdayAhead', () => {
  // 2026-11-23 is a Monday; 40 days after 2026-11-23 is Saturday 2027-01-02.
  it.each([
    ['2026-11-23T12:00:00Z', 40, '2027-01-04'],
    ['2026-11-23T12:00:00Z', 0, '2026-11-23'],
    ['2026-11-24T00:30:00Z', 0, '2026-11-30'],
    ['2026-11-29T23:59:00Z', 0, '2026-11-30'],
  ])('from %s, %i days ahead, is Monday %s', (now, days, monday) => {
    const day = workdayAhead(days, new Date(now));
    expect(day).toBe(monday);
    expect(new Date(`${day}T00:00:00Z`).getUTCDay()).toBe(1);
  });

  it('is a Monday from every day of a year', () => {
    for (let i = 0; i < 366; i++) {
      const now = new Date(Date.UTC(2026, 0, 1) + i * 24 * 3600 * 1000);
      expect(new Date(`${workdayAhead(40, now)}T00:00:00Z`).getUTCDay()).toBe(1);
    }
  });
});
