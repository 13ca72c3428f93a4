import { DateTime } from 'luxon';
import type { Interval } from '../providers/calendar-provider';
import { MAX_AVAILABILITY_DAYS } from '../plan/date-bounds';
import type { TenantSettings } from '../tenants/tenant-settings';
import { longestWorkingStretch } from '../tenants/working-stretch';

/**
 * However wide a window it is handed, freeSlots walks at most this many days:
 * the longest window check_availability accepts, and a day either side for
 * time zones. One call never holds the worker for long.
 */
export const MAX_SLOT_DAYS = MAX_AVAILABILITY_DAYS + 2;

export interface FreeSlotsQuery {
  from: Date;
  to: Date;
  durationMinutes: number;
  timezone: string;
  workingHours: TenantSettings['working_hours'];
  busy: Interval[];
  /** Slots start on multiples of this many minutes. */
  granularityMinutes?: number;
  limit?: number;
}

/**
 * Free windows inside working hours (minus breaks and busy intervals) that can
 * hold a meeting of the given length, earliest first. Looks at no more than
 * MAX_SLOT_DAYS days from `from`, and at none when the meeting is longer than
 * the longest stretch of a working day.
 */
export function freeSlots(query: FreeSlotsQuery): Interval[] {
  const step = query.granularityMinutes ?? 15;
  const need = query.durationMinutes * 60_000;
  const slots: Interval[] = [];
  if (query.durationMinutes > longestWorkingStretch(query.workingHours)) return slots;
  let day = DateTime.fromJSDate(query.from, { zone: query.timezone }).startOf('day');
  const last = DateTime.min(
    DateTime.fromJSDate(query.to, { zone: query.timezone }),
    day.plus({ days: MAX_SLOT_DAYS }),
  );
  while (day < last && slots.length < (query.limit ?? 20)) {
    if (query.workingHours.days.includes(day.weekday)) {
      const at = (clock: string) => {
        const [h, m] = clock.split(':').map(Number);
        return day.set({ hour: h, minute: m }).toJSDate();
      };
      let windows: Interval[] = [
        { start: at(query.workingHours.start), end: at(query.workingHours.end) },
      ];
      const blocked = [
        ...query.workingHours.breaks.map((b) => ({ start: at(b.start), end: at(b.end) })),
        ...query.busy,
        { start: new Date(0), end: query.from },
        { start: query.to, end: new Date(8.64e15) },
      ];
      for (const block of blocked) windows = windows.flatMap((w) => subtract(w, block));
      for (const w of windows) {
        const start = roundUp(w.start, step);
        if (w.end.getTime() - start.getTime() >= need) slots.push({ start, end: w.end });
      }
    }
    day = day.plus({ days: 1 });
  }
  return slots.slice(0, query.limit ?? 20);
}

function subtract(w: Interval, block: Interval): Interval[] {
  if (block.end <= w.start || block.start >= w.end) return [w];
  const out: Interval[] = [];
  if (block.start > w.start) out.push({ start: w.start, end: block.start });
  if (block.end < w.end) out.push({ start: block.end, end: w.end });
  return out;
}

function roundUp(date: Date, minutes: number): Date {
  const ms = minutes * 60_000;
  return new Date(Math.ceil(date.getTime() / ms) * ms);
}
