import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, PlanRow } from '../db/database';
import {
  findPlanByIdempotencyKey,
  markPlanStarted,
  PENDING,
  SUBMITTING,
} from '../db/plans-repository';
import { parseOffset } from '../plan/offset';
import { validatePlan, type Plan } from '../plan/validate-plan';
import type { Tenant } from '../tenants/tenants-repository';
import { planWorkflowId, type PlanWorkflowInput } from '../workflows/definitions';
import { initialSteps } from '../workflows/plan-state';
import { badRequest, HttpError } from './http-error';
import { idempotencyKeyReused } from './idempotency-key';
import { insertAdmittedPlan } from './plan-admission';
import type { Submitter } from './plan-visibility';
import { policyRefusal } from './plan-policy';
import { requestHash } from './request-hash';
import { startPlanWorkflow, type StartPlanConfig } from './start-plan-workflow';
import { unfitDurations } from './unfit-durations';

export interface PlanServiceDeps extends StartPlanConfig {
  db: Kysely<Database>;
  logger: Logger;
  /** The clock submissions are counted against the tenant's action rates by; default: the system's. */
  now?: () => Date;
  /**
   * Test-only: runs right after a plan's row is written and before its
   * workflow starts, so a test can kill the process exactly there.
   */
  afterInsert?: () => void;
}

export interface SubmitOptions {
  /** Who submits: recorded on the plan, for `mine`, narrowed views and four eyes. */
  submitter?: Submitter;
  idempotencyKey?: string;
  /** What the key is bound to; default: the hash of the validated plan. */
  requestHash?: string;
  source?: string;
  /** Why the caller (e.g. a planner with low confidence) wants a human decision first. */
  approvalReason?: string;
  /** The request's logger, so a failed start is logged with its request id. */
  log?: Logger;
}

export interface Submitted {
  row: PlanRow;
  /** false: an earlier request with the same Idempotency-Key created it. */
  created: boolean;
  approvalReason: string | null;
}

const DAY_MS = 24 * 3600 * 1000;
const UNIQUE_VIOLATION = '23505';
const isLimited = (err: unknown) => err instanceof HttpError && err.status === 429;

/** Why the plan must wait for approval before anything runs, or null. */
export function approvalReason(tenant: Tenant, plan: Plan, callerReason?: string): string | null {
  if (callerReason) return callerReason;
  if (plan.require_approval) return 'the plan was submitted with require_approval';
  const gated = [...new Set(plan.actions.map((a) => a.type))].filter((t) =>
    tenant.settings.approval.required_for.includes(t),
  );
  return gated.length ? `the tenant's policy requires approval for ${gated.join(', ')}` : null;
}

/**
 * Submits plans crash-safely: the row is written as `submitting` with its
 * workflow's input, then the workflow is started. A start that fails or whose
 * answer is lost leaves the row `submitting` for the reconciler to start; a
 * row is never deleted once written, so no workflow loses its plan.
 */
export function createPlanService(deps: PlanServiceDeps) {
  const repeat = async (tenantId: string, key: string, hash: string) => {
    const existing = await findPlanByIdempotencyKey(deps.db, tenantId, key);
    if (existing && existing.request_hash !== null && existing.request_hash !== hash) {
      throw idempotencyKeyReused();
    }
    return existing;
  };

  return {
    async submit(tenant: Tenant, body: unknown, options: SubmitOptions = {}): Promise<Submitted> {
      const validation = validatePlan(body);
      if (!validation.ok) throw badRequest(validation.errors, 'the plan is invalid');
      const plan = validation.plan;
      const unfit = unfitDurations(plan, tenant.settings.working_hours);
      if (unfit.length > 0) throw badRequest(unfit, 'the plan is invalid');
      const hash = options.requestHash ?? requestHash(plan);
      const key = options.idempotencyKey;
      if (key) {
        const existing = await repeat(tenant.id, key, hash);
        if (existing) return { row: existing, created: false, approvalReason: null };
      }
      // After the repeat check: a repeat gets its plan even if the policy changed since.
      const refusal = policyRefusal(plan, tenant.settings);
      if (refusal) throw refusal;

      const id = randomUUID();
      const workflowId = planWorkflowId(tenant.id, id);
      const timezone = plan.timezone ?? tenant.timezone;
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
      const now = deps.now?.() ?? new Date();
      const admission = { tenant, plan, workflowId, approvalReason: reason, now };
      let row: PlanRow;
      try {
        row = await insertAdmittedPlan(deps.db, admission, {
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
          status: SUBMITTING,
          current_step: null,
          step_results: JSON.stringify(initialSteps(plan)),
          error: null,
          idempotency_key: key ?? null,
          request_hash: hash,
          workflow_input: JSON.stringify(input),
          ...options.submitter,
          updated_at: new Date(),
        });
      } catch (err) {
        // A concurrent request with the same key won the insert (or took the room this one
        // then did not find under the tenant's limits): this is its repeat.
        const existing =
          key && ((err as { code?: string }).code === UNIQUE_VIOLATION || isLimited(err))
            ? await repeat(tenant.id, key, hash)
            : undefined;
        if (!existing) throw err;
        return { row: existing, created: false, approvalReason: null };
      }
      deps.afterInsert?.();

      const log = options.log ?? deps.logger;
      const started = await startPlanWorkflow(deps, workflowId, input).then(
        () => true,
        (err: unknown) => {
          log.warn(
            { err, plan_id: id, workflow_id: workflowId },
            'plan workflow not started; the reconciler will start it',
          );
          return false;
        },
      );
      if (started) {
        // If this write is lost the row stays `submitting`, and the reconciler's start finds the workflow.
        await markPlanStarted(deps.db, id).then(
          () => (row = { ...row, status: PENDING }),
          (err: unknown) => log.warn({ err, plan_id: id }, 'plan started but not marked pending'),
        );
      }
      return { row, created: true, approvalReason: reason };
    },
  };
}

export type PlanService = ReturnType<typeof createPlanService>;
