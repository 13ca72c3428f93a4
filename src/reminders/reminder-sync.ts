import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database, ReminderRow } from '../db/database';
import type { Meeting } from '../providers/calendar-provider';
import {
  finishReminder,
  movePendingReminder,
  pendingRemindersOfMeeting,
} from '../db/reminders-repository';
import { applyOffset } from '../time/zoned-time';
import { cancelReminder, rescheduleReminder } from '../workflows/definitions';

export interface ReminderSyncDeps {
  db: Kysely<Database>;
  temporal: Client;
}

/**
 * Keeps a meeting's pending reminders with it: when it moves, each reminder
 * set at an offset moves by the same offset; when it is cancelled, so are they,
 * marked with `cancelledBy` (the change's idempotency key) when given, so that
 * undoing the change can reinstate them. Safe to repeat: it recomputes from
 * the meeting as it is now.
 */
export async function followMeeting(
  deps: ReminderSyncDeps,
  tenantId: string,
  meeting: Meeting,
  cancelledBy?: string,
): Promise<void> {
  for (const reminder of await pendingRemindersOfMeeting(deps.db, tenantId, meeting.meeting_id)) {
    if (meeting.status === 'cancelled') {
      await cancelPendingReminder(deps, reminder, cancelledBy);
    } else if (reminder.offset_ms !== null) {
      const fireAt = applyOffset(
        new Date(meeting.start_time),
        Number(reminder.offset_ms),
        reminder.timezone ?? 'UTC',
      );
      if (fireAt.getTime() !== reminder.fire_at.getTime()) {
        await movePendingReminder(deps.db, tenantId, reminder.id, fireAt);
      }
      // Sent even when the row already had this time: a retry after a lost signal must send it.
      await signalQuietly(deps.temporal, reminder.workflow_id, (h) =>
        h.signal(rescheduleReminder, { fire_at: fireAt.toISOString() }),
      );
    }
  }
}

/**
 * Cancels a pending reminder: its row first (so it can no longer fire), then
 * its workflow. Returns the cancelled row, or undefined when it was no longer pending.
 */
export async function cancelPendingReminder(
  deps: ReminderSyncDeps,
  reminder: ReminderRow,
  cancelledBy?: string,
): Promise<ReminderRow | undefined> {
  const cancelled = await finishReminder(
    deps.db,
    reminder.tenant_id,
    reminder.id,
    'cancelled',
    cancelledBy ? { cancelled_by: cancelledBy } : {},
  );
  await signalQuietly(deps.temporal, reminder.workflow_id, (h) => h.signal(cancelReminder));
  return cancelled;
}

type Handle = ReturnType<Client['workflow']['getHandle']>;

/** A reminder workflow that already ended needs no signal. */
async function signalQuietly(
  temporal: Client,
  workflowId: string,
  send: (h: Handle) => Promise<void>,
) {
  try {
    await send(temporal.workflow.getHandle(workflowId));
  } catch (err) {
    if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
  }
}
