import { randomUUID } from 'node:crypto';
import { isUuid } from '../db/calendar-repository';
import { insertEventOnce } from '../db/plans-repository';
import { findReminder, finishReminder, insertReminderOnce } from '../db/reminders-repository';
import { parseOffset } from '../plan/offset';
import type { MessageChannel } from '../providers/messages';
import { idempotencyKey, type StepInput, type StepOutput } from '../plan/step-io';
import { applyOffset, toInstant } from '../time/zoned-time';
import { postReminderTurn } from '../conversations/reminder-turn';
import {
  conversationEvent,
  reminderWorkflowId,
  type ReminderDelivery,
} from '../workflows/definitions';
import { reminderLateness } from '../metrics/errand-metrics';
import { channelLabel } from '../metrics/labels';
import type { ActivityDeps } from './deps';
import { InvalidStepError, ReminderInPastError } from './errors';
import { EMAIL_TEMPLATES, render, templateValues } from './render-message';

export interface ReminderRef {
  tenant_id: string;
  reminder_id: string;
}

/** Reminders: recorded by a plan step, then delivered by their own workflow. */
export function createReminderActivities(deps: ActivityDeps) {
  return {
    /** Works out when the reminder fires and records it; the plan then starts its workflow. */
    async schedule_reminder(input: StepInput<'schedule_reminder'>): Promise<StepOutput> {
      const p = input.params;
      let fireAt: Date;
      let offsetMs: number | null = null;
      if (p.at) {
        fireAt = toInstant(p.at, input.timezone);
      } else {
        offsetMs = p.offset ? parseOffset(p.offset) : null;
        const base = input.chained?.start_time;
        if (offsetMs === null || !base)
          throw new InvalidStepError('an offset reminder needs a chained start time');
        fireAt = applyOffset(new Date(base), offsetMs, input.timezone);
      }
      const now = deps.now();
      if (fireAt.getTime() < now.getTime() - deps.reminderGraceMs) {
        throw new ReminderInPastError(
          `the reminder time ${fireAt.toISOString()} has already passed (now ${now.toISOString()})`,
        );
      }
      const values = templateValues(input.chained, input.timezone);
      const message = render(
        p.message ?? (values.title ? EMAIL_TEMPLATES.reminder.body : 'Reminder'),
        values,
      );
      const id = randomUUID();
      const row = await insertReminderOnce(deps.db, {
        id,
        tenant_id: input.tenant_id,
        plan_id: input.plan_id,
        step_index: input.step,
        // Only built-in meetings are followed when they move; a Google event's id is kept out.
        meeting_id: isUuid(input.chained?.meeting_id ?? '') ? input.chained!.meeting_id! : null,
        offset_ms: offsetMs,
        fire_at: fireAt,
        channel: p.channel,
        recipients: p.to ?? [],
        message,
        timezone: input.timezone,
        workflow_id: reminderWorkflowId(input.tenant_id, id),
        idempotency_key: idempotencyKey(input),
      });
      return {
        reminder_id: row.id,
        fire_at: row.fire_at.toISOString(),
        workflow_id: row.workflow_id,
        channel: row.channel,
        recipients: row.recipients,
      };
    },

    /**
     * Delivers a due reminder through the tenant's message sender, once. The row
     * decides, not the workflow's timer: a reminder whose row moved later (a move
     * whose signal was lost) is not delivered but answered `moved`, to be waited
     * for again; a cancelled one is left alone. The row is not locked across the
     * send (a vendor's call would hold a pooled connection while the sender needs
     * another): a move or a cancellation that lands in the moment between the
     * check and the send finds the reminder already on its way.
     */
    async deliver_reminder(ref: ReminderRef & { fire_at?: string }): Promise<ReminderDelivery> {
      const reminder = await findReminder(deps.db, ref.tenant_id, ref.reminder_id);
      if (!reminder || reminder.status === 'cancelled') return { outcome: 'cancelled' };
      if (reminder.status !== 'pending') return { outcome: 'fired' };
      const now = deps.now();
      const due = reminder.fire_at.getTime();
      if (ref.fire_at && due !== Date.parse(ref.fire_at) && due > now.getTime()) {
        return { outcome: 'moved', fire_at: reminder.fire_at.toISOString() };
      }
      // Keyed by the reminder, so a retry after the send and before the row is stamped sends nothing more.
      const delivery = await deps.messages.send({
        tenant_id: ref.tenant_id,
        channel: reminder.channel as MessageChannel,
        recipients: reminder.recipients,
        subject: 'Reminder',
        body: reminder.message,
        payload: { reminder_id: reminder.id, fire_at: reminder.fire_at.toISOString() },
        idempotency_key: `reminder:${reminder.id}`,
        plan_id: reminder.plan_id,
        step_index: reminder.step_index,
      });
      // With its event and its conversation turn, so webhooks and the user's conversation learn
      // of every reminder that fired, and of it once.
      let late: { channel: string; seconds: number } | undefined;
      const told = await deps.db.transaction().execute(async (trx) => {
        const fired = await finishReminder(trx, ref.tenant_id, ref.reminder_id, 'fired', {
          fired_at: now,
          outbox_id: delivery.message_id,
        });
        // Only the call that moved it to fired measures it, so a retry is not counted again.
        if (fired) {
          const seconds = Math.max(0, now.getTime() - fired.fire_at.getTime()) / 1000;
          late = { channel: fired.channel, seconds };
        }
        if (!fired?.plan_id) return null;
        await insertEventOnce(trx, ref.tenant_id, fired.plan_id, {
          kind: 'reminder_fired',
          step: fired.step_index,
          detail: {
            reminder_id: fired.id,
            fire_at: fired.fire_at.toISOString(),
            fired_at: now.toISOString(),
            channel: fired.channel,
            message_id: delivery.message_id,
          },
        });
        return postReminderTurn(trx, fired, now);
      });
      if (late) {
        reminderLateness.observe(
          { tenant: ref.tenant_id, channel: channelLabel(late.channel) },
          late.seconds,
        );
      }
      // The turn is written either way; this only adds it to the conversation's context.
      if (told) {
        await deps.temporal.workflow
          .getHandle(told.workflowId)
          .signal(conversationEvent, { kind: 'reminder_triggered', text: told.text })
          .catch(() => undefined);
      }
      return { outcome: 'fired' };
    },

    async mark_reminder_cancelled(ref: ReminderRef): Promise<void> {
      await finishReminder(deps.db, ref.tenant_id, ref.reminder_id, 'cancelled');
    },
  };
}

export type ReminderActivities = Pick<
  ReturnType<typeof createReminderActivities>,
  'deliver_reminder' | 'mark_reminder_cancelled'
>;
