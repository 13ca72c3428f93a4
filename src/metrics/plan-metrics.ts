import type { PlanEvent } from '../db/plans-repository';
import type { PlanState } from '../workflows/definitions';
import { approvalDecisionLatency, plansEnded, plansStarted, stepDuration } from './errand-metrics';
import { sourceLabel } from './labels';

const ENDINGS = new Set(['completed', 'failed', 'rejected', 'expired', 'cancelled']);
const DECISIONS = new Set(['approved', 'rejected', 'expired']);

const seconds = (from: string | null | undefined, to: string | null | undefined) => {
  const ms = from && to ? Date.parse(to) - Date.parse(from) : NaN;
  return Number.isFinite(ms) ? Math.max(0, ms) / 1000 : undefined;
};

/**
 * Counts what the plan's events say happened: called with only the events a
 * write recorded for the first time, so a retried write counts nothing twice.
 * Times come from the workflow's own record (`state`), not from when the
 * write ran.
 */
export function observePlanEvents(state: PlanState, source: string, events: PlanEvent[]): void {
  const tenant = state.tenant_id;
  const labels = { tenant, source: sourceLabel(source) };
  for (const event of events) {
    const { kind, step } = event;
    // A run begins running, or waiting for the whole plan's approval: exactly one of the two.
    if (kind === 'plan_started' || (kind === 'approval_requested' && step === null)) {
      plansStarted.inc(labels);
      continue;
    }
    const ending = kind.startsWith('plan_') ? kind.slice('plan_'.length) : '';
    if (ENDINGS.has(ending)) {
      plansEnded.inc({ ...labels, outcome: ending });
      continue;
    }
    if ((kind === 'step_succeeded' || kind === 'step_failed') && step !== null) {
      const s = state.steps[step];
      const took = seconds(s?.started_at, s?.completed_at);
      // A step failed before it started (its not_before passed, no capacity) has no duration.
      if (s && took !== undefined) {
        stepDuration.observe({ action: s.type, outcome: kind.slice('step_'.length) }, took);
      }
      continue;
    }
    const decided = kind.startsWith('approval_') ? kind.slice('approval_'.length) : '';
    if (DECISIONS.has(decided)) {
      const approval = state.approvals.findLast(
        (a) => a.step === step && a.decision?.outcome === decided,
      );
      const took = seconds(approval?.requested_at, approval?.decision?.at);
      if (took !== undefined) approvalDecisionLatency.observe({ tenant, outcome: decided }, took);
    }
  }
}
