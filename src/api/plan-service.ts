import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database, PlanRow } from '../db/database';
import { deletePlan, findPlanByIdempotencyKey, insertPlan } from '../db/plans-repository';
import { parseOffset } from '../plan/offset';
import { validatePlan, type Plan } from '../plan/validate-plan';
import { ERRAND_TENANT } from '../temporal/search-attributes';
import type { Tenant } from '../tenants/tenants-repository';
import { planWorkflowId, type PlanWorkflowInput } from '../workflows/definitions';
import { initialSteps } from '../workflows/plan-state';
import { badRequest, HttpError } from './http-error';
import { unfitDurations } from './unfit-durations';

export interface PlanServiceDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
}

export interface SubmitOptions {
  idempotencyKey?: string;
  source?: string;
  /** Why the caller (e.g. a planner with low confidence) wants a human decision first. */
  approvalReason?: string;
}

const DAY_MS = 24 * 3600 * 1000;

/** Why the plan must wait for approval before anything runs, or null. */
export function approvalReason(tenant: Tenant, plan: Plan, callerReason?: string): string | null {
  if (callerReason) return callerReason;
  if (plan.require_approval) return 'the plan was submitted with require_approval';
  const gated = [...new Set(plan.actions.map((a) => a.type))].filter((t) =>
    tenant.settings.approval.required_for.includes(t),
  );
  return gated.length ? `the tenant's policy requires approval for ${gated.join(', ')}` : null;
}

/** Submits plans: validate, persist, start the workflow — or leave nothing behind. */
export function createPlanService(deps: PlanServiceDeps) {
  return {
    /** Returns the plan row and whether it was created now (false: an idempotent repeat). */
    async submit(tenant: Tenant, body: unknown, options: SubmitOptions = {}) {
      const validation = validatePlan(body);
      if (!validation.ok) throw badRequest(validation.errors, 'the plan is invalid');
      const unfit = unfitDurations(validation.plan, tenant.settings.working_hours);
      if (unfit.length > 0) throw badRequest(unfit, 'the plan is invalid');
      if (options.idempotencyKey) {
        const existing = await findPlanByIdempotencyKey(deps.db, tenant.id, options.idempotencyKey);
        if (existing) return { row: existing, created: false, approvalReason: null };
      }
      return { ...(await this.start(tenant, validation.plan, options)), created: true };
    },

    async start(
      tenant: Tenant,
      plan: Plan,
      options: SubmitOptions,
    ): Promise<{ row: PlanRow; approvalReason: string | null }> {
      const id = randomUUID();
      const workflowId = planWorkflowId(tenant.id, id);
      const timezone = plan.timezone ?? tenant.timezone;
      const row = await insertPlan(deps.db, {
        id,
        tenant_id: tenant.id,
        workflow_id: workflowId,
        conversation_id: plan.conversation_id ?? null,
        user_id: plan.user_id ?? null,
        source: options.source ?? 'api',
        intent: plan.intent,
        context: plan.context ? JSON.stringify(plan.context) : null,
        timezone,
        actions: JSON.stringify(plan.actions),
        on_failure: plan.on_failure,
        status: 'pending',
        current_step: null,
        step_results: JSON.stringify(initialSteps(plan)),
        error: null,
        idempotency_key: options.idempotencyKey ?? null,
        updated_at: new Date(),
      }).catch((err: { code?: string }) => {
        if (err.code === '23505' && options.idempotencyKey) {
          throw new HttpError(
            409,
            'duplicate_submission',
            'a plan with this Idempotency-Key is being created',
          );
        }
        throw err;
      });
      const reason = approvalReason(tenant, plan, options.approvalReason);
      const input: PlanWorkflowInput = {
        tenant_id: tenant.id,
        plan_id: id,
        timezone,
        plan,
        approval_reason: reason,
        approval_timeout_ms:
          parseOffset(plan.approval_timeout ?? tenant.settings.approval.timeout) ?? DAY_MS,
      };
      try {
        await deps.temporal.workflow.start('planWorkflow', {
          taskQueue: deps.taskQueue,
          workflowId,
          args: [input],
          staticSummary: summaryOf(plan),
          memo: { intent: plan.intent },
          typedSearchAttributes: [{ key: ERRAND_TENANT, value: tenant.id }],
        });
      } catch (err) {
        // An answer lost on the way back can hide a start that happened: then the plan stays.
        const started = await deps.temporal.workflow
          .getHandle(workflowId)
          .describe()
          .then(
            () => true,
            () => false,
          );
        if (!started) {
          await deletePlan(deps.db, tenant.id, id);
          throw new HttpError(
            503,
            'temporal_unavailable',
            `the plan could not be started: ${(err as Error).message}`,
          );
        }
      }
      return { row, approvalReason: reason };
    },
  };
}

export type PlanService = ReturnType<typeof createPlanService>;

function summaryOf(plan: Plan): string {
  return plan.actions
    .map((a) =>
      a.type === 'schedule_reminder' && 'offset' in a.params && a.params.offset
        ? `${a.type} ${a.params.offset}`
        : a.type,
    )
    .join(' → ');
}
