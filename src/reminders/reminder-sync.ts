import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database, ReminderRow } from '../db/database';
import type { Meeting } from '../db/calendar-repository';
import { applyOffset } from '../time/zoned-time';
import { cancelReminder, rescheduleReminder } from '../workflows/definitions';

export interface ReminderSyncDeps {
  db: Kysely<Database>;
  temporal: Client;
}

/**
 * Keeps a meeting's pending reminders with it: when it moves, each reminder
 * set at an offset moves by the same offset; when it is cancelled, so are they.
 * Safe to repeat: it recomputes from the meeting as it is now.
 */
export async function followMeeting(
  deps: ReminderSyncDeps,
  tenantId: string,
  meeting: Meeting,
): Promise<void> {
  const reminders = await deps.db
    .selectFrom('reminders')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('meeting_id', '=', meeting.meeting_id)
    .where('status', '=', 'pending')
    .execute();
  for (const reminder of reminders) {
    if (meeting.status === 'cancelled') {
      await cancelPendingReminder(deps, reminder);
    } else if (reminder.offset_ms !== null) {
      const fireAt = applyOffset(
        new Date(meeting.start_time),
        Number(reminder.offset_ms),
        reminder.timezone ?? 'UTC',
      );
      if (fireAt.getTime() === reminder.fire_at.getTime()) continue;
      await deps.db
        .updateTable('reminders')
        .set({ fire_at: fireAt, updated_at: new Date() })
        .where('id', '=', reminder.id)
        .where('status', '=', 'pending')
        .execute();
      await signalQuietly(deps.temporal, reminder.workflow_id, (h) =>
        h.signal(rescheduleReminder, { fire_at: fireAt.toISOString() }),
      );
    }
  }
}

/** Cancels a pending reminder: its row first (so it can no longer fire), then its workflow. */
export async function cancelPendingReminder(
  deps: ReminderSyncDeps,
  reminder: ReminderRow,
): Promise<boolean> {
  const result = await deps.db
    .updateTable('reminders')
    .set({ status: 'cancelled', updated_at: new Date() })
    .where('id', '=', reminder.id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  await signalQuietly(deps.temporal, reminder.workflow_id, (h) => h.signal(cancelReminder));
  return result.numUpdatedRows > 0n;
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
