import {
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ReminderActivities } from '../activities/reminder-activities';
import { REMINDER_OPTIONS } from './activity-options';
import {
  cancelReminder,
  getReminderFireAt,
  rescheduleReminder,
  type ReminderOutcome,
  type ReminderWorkflowInput,
} from './definitions';

const reminders = proxyActivities<ReminderActivities>(REMINDER_OPTIONS);

/** Reminders started before delivery checked the row fired at the time their timer knew. */
export const RECHECK_FIRE_AT_PATCH = 'reminder-waits-again-when-its-row-moved';
/** Reminders started before this kept one history however often they moved. */
export const CONTINUE_AS_NEW_PATCH = 'reminder-continues-as-new-after-many-moves';
/** Each move adds a signal, a cancelled timer and a new one; past this many, a fresh run carries on. */
export const MOVES_PER_RUN = 100;

/**
 * Waits durably until a reminder is due, then delivers it through the outbox.
 * It outlives the plan that started it; signals move or cancel it meanwhile.
 * Delivery checks the reminder's row: one that moved later without a signal
 * reaching this workflow is waited for again at its new time. A reminder
 * moved many times continues as new, carrying its current time.
 */
export async function reminderWorkflow(input: ReminderWorkflowInput): Promise<ReminderOutcome> {
  let fireAt = Date.parse(input.fire_at);
  let moves = 0;
  let cancelled = false;
  setHandler(getReminderFireAt, () => new Date(fireAt).toISOString());
  setHandler(rescheduleReminder, (move) => {
    const next = Date.parse(move?.fire_at);
    // A malformed signal (an operator's typo) leaves the reminder where it was.
    if (Number.isNaN(next)) return;
    fireAt = next;
    moves++;
  });
  setHandler(cancelReminder, () => {
    cancelled = true;
  });

  for (;;) {
    while (!cancelled) {
      if (
        (moves >= MOVES_PER_RUN || workflowInfo().continueAsNewSuggested) &&
        patched(CONTINUE_AS_NEW_PATCH)
      ) {
        await continueAsNew<typeof reminderWorkflow>({
          ...input,
          fire_at: new Date(fireAt).toISOString(),
        });
      }
      const wait = fireAt - Date.now();
      if (wait <= 0) break;
      const seen = moves;
      await condition(() => cancelled || moves !== seen, wait, {
        summary: `reminder waits until ${new Date(fireAt).toISOString()}`,
      });
    }
    if (cancelled) {
      await reminders.mark_reminder_cancelled.executeWithOptions(
        { summary: `cancel reminder ${input.reminder_id}` },
        [{ tenant_id: input.tenant_id, reminder_id: input.reminder_id }],
      );
      return 'cancelled';
    }
    // Histories from before the check return nothing here: they delivered.
    const delivery = await reminders.deliver_reminder.executeWithOptions(
      { summary: `deliver reminder ${input.reminder_id}` },
      [
        {
          tenant_id: input.tenant_id,
          reminder_id: input.reminder_id,
          fire_at: new Date(fireAt).toISOString(),
        },
      ],
    );
    if (delivery?.outcome === 'moved' && patched(RECHECK_FIRE_AT_PATCH)) {
      fireAt = Date.parse(delivery.fire_at);
      moves++;
      continue;
    }
    return delivery?.outcome === 'cancelled' ? 'cancelled' : 'fired';
  }
}
