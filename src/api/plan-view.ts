import type { PlanRow } from '../db/database';
import { submittedByView } from './plan-visibility';

const countOf = (steps: unknown[], status: string) =>
  steps.filter((s) => (s as { status?: string }).status === status).length;

/**
 * The JSON a client sees for a plan. The step counts are of the latest
 * attempt's view of every step (a retry keeps those it did not run again).
 */
export function planView(row: PlanRow, links?: { webUi: string }) {
  const steps = row.step_results;
  return {
    id: row.id,
    workflow_id: row.workflow_id,
    status: row.status,
    current_step: row.current_step,
    waiting_until: waitingUntil(row),
    intent: row.intent,
    context: row.context,
    timezone: row.timezone,
    on_failure: row.on_failure,
    conversation_id: row.conversation_id,
    user_id: row.user_id,
    source: row.source,
    submitted_by: submittedByView(row),
    actions: row.actions,
    steps,
    successful_steps: countOf(steps, 'succeeded'),
    failed_steps: countOf(steps, 'failed'),
    skipped_steps: countOf(steps, 'skipped'),
    attempt: row.attempt,
    error: row.error,
    approvals: row.approvals ?? [],
    compensation: row.compensation ?? [],
    created_at: row.created_at.toISOString(),
    started_at: row.started_at?.toISOString() ?? null,
    completed_at: row.completed_at?.toISOString() ?? null,
    updated_at: row.updated_at.toISOString(),
    ...(links ? { links: { web_ui: links.webUi } } : {}),
  };
}

/** Until when the plan's current step waits (its not_before, an automation's report), if it does. */
function waitingUntil(row: PlanRow): string | null {
  const step = row.current_step === null ? undefined : row.step_results[row.current_step];
  const until = (step as { waiting_until?: unknown } | undefined)?.waiting_until;
  return typeof until === 'string' ? until : null;
}

export type PlanView = ReturnType<typeof planView>;
