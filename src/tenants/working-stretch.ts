import type { TenantSettings } from './tenant-settings';

/**
 * The longest unbroken stretch of a working day, in minutes: the working hours
 * minus their breaks; 0 when no day is a working day. A meeting longer than
 * this can never be found free, whatever the calendar holds.
 *
 * @example longestWorkingStretch({ start: '09:00', end: '17:00', days: [1], breaks: [{ start: '12:00', end: '13:00' }] }) // 240
 */
export function longestWorkingStretch(hours: TenantSettings['working_hours']): number {
  if (hours.days.length === 0) return 0;
  const minutes = (clock: string) => {
    const [h, m] = clock.split(':').map(Number);
    return h * 60 + m;
  };
  let windows: [number, number][] = [[minutes(hours.start), minutes(hours.end)]];
  for (const b of hours.breaks) {
    const [bs, be] = [minutes(b.start), minutes(b.end)];
    windows = windows.flatMap(([s, e]): [number, number][] => {
      if (be <= s || bs >= e) return [[s, e]];
      return [
        [s, Math.min(bs, e)],
        [Math.max(be, s), e],
      ];
    });
  }
  return Math.max(0, ...windows.map(([s, e]) => e - s));
}
