import { Context } from '@temporalio/activity';
import { reinstateReminders } from '../reminders/reinstate-reminders';
import { followMeeting } from '../reminders/reminder-sync';
import type { ActivityDeps } from './deps';

/** What a meeting was before a change: what undoing the change puts back. */
export interface PreviousMeeting {
  start_time: string;
  end_time: string;
  title: string;
}

/** One meeting a calendar step changed, and the key its undo acts under. */
export interface MeetingUndo {
  tenant_id: string;
  meeting_id: string;
  calendar?: string;
  /** The undo's own idempotency key. */
  key: string;
}

/**
 * Undoing one meeting's booking, move or cancellation, each keyed so a
 * retried undo acts once; reminders follow the meeting back. Shared by
 * compensation and by an all-or-nothing batch undoing its done items.
 */
export function meetingUndo(deps: ActivityDeps) {
  return {
    async unbook(u: MeetingUndo, reason: string) {
      const meeting = await deps.calendar.cancel({
        tenant_id: u.tenant_id,
        idempotency_key: u.key,
        ref: { meeting_id: u.meeting_id, calendar: u.calendar },
        reason,
      });
      await followMeeting(deps, u.tenant_id, meeting);
      return { meeting_id: meeting.meeting_id, status: meeting.status };
    },

    async unmove(u: MeetingUndo, previous: PreviousMeeting) {
      const start = new Date(previous.start_time);
      const { meeting } = await deps.calendar.update({
        tenant_id: u.tenant_id,
        idempotency_key: u.key,
        ref: { meeting_id: u.meeting_id, calendar: u.calendar },
        changes: {
          start,
          duration_minutes: (Date.parse(previous.end_time) - start.getTime()) / 60_000,
          title: previous.title,
        },
      });
      await followMeeting(deps, u.tenant_id, meeting);
      return { meeting_id: meeting.meeting_id, start_time: meeting.start_time };
    },

    /** `cancelledBy`: the key of the cancellation, which its reminders were marked with. */
    async uncancel(u: MeetingUndo, cancelledBy: string) {
      const meeting = await deps.calendar.restore({
        tenant_id: u.tenant_id,
        idempotency_key: u.key,
        ref: { meeting_id: u.meeting_id, calendar: u.calendar },
      });
      const reminders = await reinstateReminders(deps, {
        tenant_id: u.tenant_id,
        meeting,
        cancelled_by: cancelledBy,
        idempotency_key: u.key,
        task_queue: Context.current().info.taskQueue,
        now: deps.now(),
        grace_ms: deps.reminderGraceMs,
      });
      return {
        meeting_id: meeting.meeting_id,
        status: meeting.status,
        reminders_reinstated: reminders.reinstated,
        reminders_expired: reminders.expired,
      };
    },
  };
}
