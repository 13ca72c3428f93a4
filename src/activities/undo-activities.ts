import { Context } from '@temporalio/activity';
import { findReminder } from '../db/reminders-repository';
import type { ActionType } from '../plan/action-types';
import { idempotencyKey, type StepContext } from '../plan/step-io';
import { reinstateReminders } from '../reminders/reinstate-reminders';
import { cancelPendingReminder, followMeeting } from '../reminders/reminder-sync';
import type { ActivityDeps } from './deps';
import { InvalidStepError } from './errors';

export interface UndoInput extends StepContext {
  type: ActionType;
  /** The done step's output: what there is to undo. */
  output: Record<string, unknown>;
}

/** Compensation: undoes one done step, keyed like the step so a retried undo acts once. */
export function createUndoActivities(deps: ActivityDeps) {
  const undoKey = (input: UndoInput) => `${idempotencyKey(input)}#undo`;
  const meetingId = (input: UndoInput) => {
    const id = input.output.meeting_id;
    if (typeof id !== 'string')
      throw new InvalidStepError(`step ${input.step} has no meeting to undo`);
    return id;
  };

  return {
    async undo_step(input: UndoInput): Promise<Record<string, unknown>> {
      switch (input.type) {
        case 'book_meeting': {
          const meeting = await deps.calendar.cancel({
            tenant_id: input.tenant_id,
            idempotency_key: undoKey(input),
            ref: { meeting_id: meetingId(input), timezone: input.timezone },
            reason: `compensating plan ${input.plan_id}`,
          });
          await followMeeting(deps, input.tenant_id, meeting);
          return { meeting_id: meeting.meeting_id, status: meeting.status };
        }
        case 'update_meeting': {
          const previous = input.output.previous as {
            start_time: string;
            end_time: string;
            title: string;
          };
          const start = new Date(previous.start_time);
          const { meeting } = await deps.calendar.update({
            tenant_id: input.tenant_id,
            idempotency_key: undoKey(input),
            ref: { meeting_id: meetingId(input), timezone: input.timezone },
            changes: {
              start,
              duration_minutes: (Date.parse(previous.end_time) - start.getTime()) / 60_000,
              title: previous.title,
            },
          });
          await followMeeting(deps, input.tenant_id, meeting);
          return { meeting_id: meeting.meeting_id, start_time: meeting.start_time };
        }
        case 'cancel_meeting': {
          const meeting = await deps.calendar.restore({
            tenant_id: input.tenant_id,
            idempotency_key: undoKey(input),
            ref: { meeting_id: meetingId(input), timezone: input.timezone },
          });
          const reminders = await reinstateReminders(deps, {
            tenant_id: input.tenant_id,
            meeting,
            cancelled_by: idempotencyKey(input),
            idempotency_key: undoKey(input),
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
        }
        case 'schedule_reminder': {
          const reminder = await findReminder(
            deps.db,
            input.tenant_id,
            String(input.output.reminder_id),
          );
          if (!reminder)
            throw new InvalidStepError(`reminder ${String(input.output.reminder_id)} is gone`);
          await cancelPendingReminder(deps, reminder);
          return { reminder_id: reminder.id, status: 'cancelled' };
        }
        case 'start_campaign': {
          const sent = await deps.messages.send({
            tenant_id: input.tenant_id,
            idempotency_key: undoKey(input),
            channel: 'campaign',
            recipients: [],
            subject: String(input.output.campaign),
            payload: { campaign: input.output.campaign, action: 'pause' },
            plan_id: input.plan_id,
            step_index: input.step,
          });
          return { ...sent, campaign: input.output.campaign, action: 'pause' };
        }
        default:
          throw new InvalidStepError(`${input.type} cannot be undone`);
      }
    },
  };
}

export type UndoActivities = ReturnType<typeof createUndoActivities>;
