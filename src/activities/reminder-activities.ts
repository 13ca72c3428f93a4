import { randomUUID } from 'node:crypto';
import { insertOutboxOnce, type OutboxChannel } from '../db/outbox-repository';
import { findReminder, finishReminder, insertReminderOnce } from '../db/reminders-repository';
import { parseOffset } from '../plan/offset';
import { idempotencyKey, type StepInput, type StepOutput } from '../plan/step-io';
import { applyOffset, toInstant } from '../time/zoned-time';
import { reminderWorkflowId } from '../workflows/definitions';
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
        meeting_id: input.chained?.meeting_id ?? null,
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

    /** Delivers a due reminder into the outbox, once; a cancelled one is left alone. */
    async deliver_reminder(ref: ReminderRef): Promise<void> {
      const reminder = await findReminder(deps.db, ref.tenant_id, ref.reminder_id);
      if (!reminder || reminder.status !== 'pending') return;
      const firedAt = deps.now();
      const row = await insertOutboxOnce(deps.db, {
        tenant_id: ref.tenant_id,
        channel: reminder.channel as OutboxChannel,
        recipients: reminder.recipients,
        subject: 'Reminder',
        body: reminder.message,
        payload: { reminder_id: reminder.id, fire_at: reminder.fire_at.toISOString() },
        idempotency_key: `reminder:${reminder.id}`,
        plan_id: reminder.plan_id,
        step_index: reminder.step_index,
      });
      await finishReminder(deps.db, ref.tenant_id, ref.reminder_id, 'fired', {
        fired_at: firedAt,
        outbox_id: row.id,
      });
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
