import { Context } from '@temporalio/activity';
import { findReminder } from '../db/reminders-repository';
import type { ActionType } from '../plan/action-types';
import { idempotencyKey, type StepContext } from '../plan/step-io';
import { cancelPendingReminder } from '../reminders/reminder-sync';
import { itemKey, itemUndoKey, type BatchItem } from './calendar-batch';
import type { ActivityDeps } from './deps';
import { DomainError, InvalidStepError } from './errors';
import { meetingUndo, type MeetingUndo, type PreviousMeeting } from './meeting-undo';

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
  const undo = meetingUndo(deps);
  const calendarOf = (output: Record<string, unknown>) =>
    typeof output.calendar === 'string' ? output.calendar : undefined;

  /** One done meeting of a step (the step itself, or an item of a batch) undone. */
  const undoMeeting = (
    input: UndoInput,
    target: MeetingUndo,
    output: Record<string, unknown>,
    changeKey: string,
  ) => {
    switch (input.type) {
      case 'book_meeting':
        return undo.unbook(target, `compensating plan ${input.plan_id}`);
      case 'update_meeting':
        return undo.unmove(target, output.previous as PreviousMeeting);
      default:
        return undo.uncancel(target, changeKey);
    }
  };

  /**
   * Every done item of a batch, each on its own key. An item that cannot be
   * undone does not stop the others; the undo then fails naming them, and a
   * retry redoes nothing that was undone.
   */
  const undoBatch = async (input: UndoInput, items: BatchItem[]) => {
    const key = idempotencyKey(input);
    const undone: string[] = [];
    const refused: string[] = [];
    let firstRefusal: DomainError | null = null;
    for (const item of items) {
      if (item.outcome !== 'succeeded' || !item.meeting_id) continue;
      Context.current().heartbeat(item.index);
      try {
        await undoMeeting(
          input,
          {
            tenant_id: input.tenant_id,
            meeting_id: item.meeting_id,
            calendar: item.calendar,
            key: itemUndoKey(key, item.index),
          },
          item as unknown as Record<string, unknown>,
          itemKey(key, item.index),
        );
        undone.push(item.meeting_id);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        firstRefusal ??= err;
        refused.push(`item ${item.index} (${item.meeting_id}): ${err.message}`);
      }
    }
    if (firstRefusal) {
      throw new InvalidStepError(
        `${undone.length} item(s) undone, ${refused.length} could not be: ${refused.slice(0, 5).join('; ')}`,
      );
    }
    return { undone, count: undone.length };
  };

  return {
    async undo_step(input: UndoInput): Promise<Record<string, unknown>> {
      switch (input.type) {
        case 'book_meeting':
        case 'update_meeting':
        case 'cancel_meeting': {
          if (Array.isArray(input.output.items)) {
            return undoBatch(input, input.output.items as BatchItem[]);
          }
          return undoMeeting(
            input,
            {
              tenant_id: input.tenant_id,
              meeting_id: meetingId(input),
              calendar: calendarOf(input.output),
              key: undoKey(input),
            },
            input.output,
            idempotencyKey(input),
          );
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
