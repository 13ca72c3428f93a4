import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, PlanRow } from '../db/database';
import { markPlanStarted, PENDING } from '../db/plans-repository';
import { dateTime } from '../plan/action-params';
import { parseOffset } from '../plan/offset';
import { toInstant } from '../time/zoned-time';
import { validatePlan, type Plan } from '../plan/validate-plan';
import type { Tenant } from '../tenants/tenants-repository';
import type { NotBefore, PlanResume, PlanWorkflowInput } from '../workflows/definitions';
import { badRequest } from './http-error';
import { policyRefusal } from './plan-policy';
import { startPlanWorkflow, type StartPlanConfig } from './start-plan-workflow';
import { unfitDurations } from './unfit-durations';

const DAY_MS = 24 * 3600 * 1000;

/** Takes `execute` (default true) off a submitted body, so the rest is the plan alone. */
export function splitExecute(body: unknown): { plan: unknown; execute: boolean } {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !('execute' in body)) {
    return { plan: body, execute: true };
  }
  const { execute, ...plan } = body as Record<string, unknown>;
  if (typeof execute !== 'boolean') {
    throw badRequest(
      [{ path: 'execute', message: 'must be true or false' }],
      'the plan is invalid',
    );
  }
  return { plan, execute };
}

/** The plan in canonical form, or the 400 that names every field at fault. */
export function checkedPlan(tenant: Tenant, body: unknown): Plan {
  const validation = validatePlan(body);
  if (!validation.ok) throw badRequest(validation.errors, 'the plan is invalid');
  return fitting(tenant, validation.plan);
}

/** A stored plan, checked again against the tenant's working hours and policy as they are now. */
export function stillAllowed(tenant: Tenant, plan: Plan): Plan {
  fitting(tenant, plan);
  const refusal = policyRefusal(plan, tenant.settings);
  if (refusal) throw refusal;
  return plan;
}

function fitting(tenant: Tenant, plan: Plan): Plan {
  const unfit = unfitDurations(plan, tenant.settings.working_hours);
  if (unfit.length > 0) throw badRequest(unfit, 'the plan is invalid');
  return plan;
}

/** Why the plan must wait for approval before anything runs, or null. */
export function approvalReason(tenant: Tenant, plan: Plan, callerReason?: string): string | null {
  if (callerReason) return callerReason;
  if (plan.require_approval) return 'the plan was submitted with require_approval';
  const gated = [...new Set(plan.actions.map((a) => a.type))].filter((t) =>
    tenant.settings.approval.required_for.includes(t),
  );
  return gated.length ? `the tenant's policy requires approval for ${gated.join(', ')}` : null;
}

/** The workflow's input for a plan about to start, read against the tenant's settings now. */
export function workflowInputOf(
  tenant: Tenant,
  plan: Plan,
  planId: string,
  options: {
    timezone?: string;
    approvalReason: string | null;
    resume?: PlanResume;
    /** Who made it, shown on the workflow (ErrandSource, ErrandPlanner). */
    source?: string;
    planner?: string;
  },
): PlanWorkflowInput {
  const timezone = options.timezone ?? plan.timezone ?? tenant.timezone;
  const notBefore = notBeforeOf(plan, timezone);
  return {
    tenant_id: tenant.id,
    plan_id: planId,
    timezone,
    plan,
    ...(notBefore && { not_before: notBefore }),
    ...(options.source !== undefined && { source: options.source }),
    ...(options.planner !== undefined && { planner: options.planner }),
    approval_reason: options.approvalReason,
    approval_timeout_ms:
      parseOffset(plan.approval_timeout ?? tenant.settings.approval.timeout) ?? DAY_MS,
    ...(options.resume ? { resume: options.resume } : {}),
  };
}

/**
 * The steps' not_before read here, where the zone database is: ISO times as instants,
 * offsets as milliseconds, so the workflow only adds and compares.
 */
function notBeforeOf(plan: Plan, timezone: string): Record<number, NotBefore> | undefined {
  const entries = plan.actions.flatMap((step, index) => {
    const text = step.not_before;
    if (text === undefined) return [];
    const value: NotBefore = dateTime.safeParse(text).success
      ? { at: toInstant(text, timezone).toISOString() }
      : { offset_ms: parseOffset(text) ?? 0 };
    return [[index, value] as const];
  });
  return entries.length ? Object.fromEntries(entries) : undefined;
}

export interface StartDeps extends StartPlanConfig {
  db: Kysely<Database>;
}

/**
 * Starts the workflow of a row just written `submitting` and marks it
 * `pending`; a start that fails leaves the row to the reconciler.
 */
export async function startSubmitted(
  deps: StartDeps,
  row: PlanRow,
  input: PlanWorkflowInput,
  log: Logger,
): Promise<PlanRow> {
  const started = await startPlanWorkflow(deps, row.workflow_id, input).then(
    () => true,
    (err: unknown) => {
      log.warn(
        { err, plan_id: row.id, workflow_id: row.workflow_id },
        'plan workflow not started; the reconciler will start it',
      );
      return false;
    },
  );
  if (!started) return row;
  // If this write is lost the row stays `submitting`, and the reconciler's start finds the workflow.
  return markPlanStarted(deps.db, row.id).then(
    () => ({ ...row, status: PENDING }),
    (err: unknown) => {
      log.warn({ err, plan_id: row.id }, 'plan started but not marked pending');
      return row;
    },
  );
}
