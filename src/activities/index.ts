import type { StepActivities } from '../plan/step-io';
import { createAuditActivities } from './audit-activities';
import { createCalendarActivities } from './calendar-activities';
import { createCapacityActivities } from './capacity-activities';
import type { ActivityDeps } from './deps';
import { createMessageActivities } from './message-activities';
import { createReminderActivities } from './reminder-activities';
import { createScheduleActivities } from './schedule-activities';
import { createUndoActivities } from './undo-activities';
import { createWebhookDeliveryActivities } from './webhook-delivery-activities';
import { createConversationActivities } from './conversation-activities';

export type { ActivityDeps };

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  const activities = {
    ...createCalendarActivities(deps),
    ...createMessageActivities(deps),
    ...createReminderActivities(deps),
    ...createAuditActivities(deps),
    ...createUndoActivities(deps),
    ...createCapacityActivities(deps),
    ...createScheduleActivities(deps),
    ...createWebhookDeliveryActivities(deps),
    ...createConversationActivities(deps),
  };
  // Fails to compile when an allowlisted action has no activity.
  const steps: StepActivities = activities;
  return { ...activities, ...steps };
}

export type Activities = ReturnType<typeof createActivities>;
