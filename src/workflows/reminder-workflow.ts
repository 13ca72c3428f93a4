import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
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

/**
 * Waits durably until a reminder is due, then delivers it through the outbox.
 * It outlives the plan that started it; signals move or cancel it meanwhile.
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

  while (!cancelled) {
    const wait = fireAt - Date.now();
    if (wait <= 0) break;
    const seen = moves;
    await condition(() => cancelled || moves !== seen, wait);
  }
  if (cancelled) {
    await reminders.mark_reminder_cancelled({
      tenant_id: input.tenant_id,
      reminder_id: input.reminder_id,
    });
    return 'cancelled';
  }
  await reminders.deliver_reminder({ tenant_id: input.tenant_id, reminder_id: input.reminder_id });
  return 'fired';
}
