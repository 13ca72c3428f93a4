import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Meeting } from '../providers/calendar-provider';
import type { ReminderRow } from '../db/database';
import { insertReminderOnce, remindersCancelledBy } from '../db/reminders-repository';
import { reinstatedReminderSummary } from '../temporal/readable-summaries';
import { ERRAND_TENANT } from '../temporal/search-attributes';
import { applyOffset } from '../time/zoned-time';
import { reminderWorkflowId, type ReminderWorkflowInput } from '../workflows/definitions';
import type { ReminderSyncDeps } from './reminder-sync';

export interface ReinstateRequest {
  tenant_id: string;
  /** The restored meeting, as it is now. */
  meeting: Meeting;
  /** The idempotency key of the change that cancelled the meeting and its reminders. */
  cancelled_by: string;
  /** This restore's own key: each reinstated reminder is keyed by it and the reminder it replaces. */
  idempotency_key: string;
  /** Where the new reminder workflows run. */
  task_queue: string;
  now: Date;
  /** How late a reminder may still fire at once; one due longer ago is not reinstated. */
  grace_ms: number;
}

export interface ReinstateResult {
  reinstated: string[];
  /** Reminders whose time passed while the meeting was cancelled. */
  expired: string[];
}

/**
 * Brings back the reminders that were cancelled along with a meeting, once it
 * is restored: each gets a new pending row (the cancelled one stays as the
 * record of what happened) and its own workflow, at the meeting's offset as it
 * is now. Safe to repeat: rows are keyed, and a workflow already started is left running.
 */
export async function reinstateReminders(
  deps: ReminderSyncDeps,
  request: ReinstateRequest,
): Promise<ReinstateResult> {
  const result: ReinstateResult = { reinstated: [], expired: [] };
  const cancelled = await remindersCancelledBy(deps.db, request.tenant_id, request.cancelled_by);
  for (const old of cancelled.filter((r) => r.meeting_id === request.meeting.meeting_id)) {
    const fireAt =
      old.offset_ms === null
        ? old.fire_at
        : applyOffset(
            new Date(request.meeting.start_time),
            Number(old.offset_ms),
            old.timezone ?? 'UTC',
          );
    if (fireAt.getTime() < request.now.getTime() - request.grace_ms) {
      result.expired.push(old.id);
      continue;
    }
    const id = randomUUID();
    const row = await insertReminderOnce(deps.db, {
      id,
      tenant_id: old.tenant_id,
      plan_id: old.plan_id,
      step_index: old.step_index,
      meeting_id: old.meeting_id,
      offset_ms: old.offset_ms === null ? null : Number(old.offset_ms),
      fire_at: fireAt,
      channel: old.channel,
      recipients: old.recipients,
      message: old.message,
      timezone: old.timezone ?? 'UTC',
      workflow_id: reminderWorkflowId(old.tenant_id, id),
      idempotency_key: `${request.idempotency_key}#${old.id}`,
    });
    if (row.status === 'pending') await startReminderWorkflow(deps, row, request.task_queue);
    result.reinstated.push(row.id);
  }
  return result;
}

async function startReminderWorkflow(deps: ReminderSyncDeps, row: ReminderRow, taskQueue: string) {
  const input: ReminderWorkflowInput = {
    tenant_id: row.tenant_id,
    reminder_id: row.id,
    fire_at: row.fire_at.toISOString(),
  };
  try {
    await deps.temporal.workflow.start('reminderWorkflow', {
      taskQueue,
      workflowId: row.workflow_id,
      args: [input],
      typedSearchAttributes: [{ key: ERRAND_TENANT, value: row.tenant_id }],
      staticSummary: reinstatedReminderSummary(row.meeting_id),
    });
  } catch (err) {
    // A retry after a start whose answer was lost: it is the same reminder.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
