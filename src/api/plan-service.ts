import { withMatchedContacts } from '../contacts/resolve-people';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, NewPlanRow, PlanRow } from '../db/database';
import { DRAFT } from '../db/plan-runs-repository';
import { findPlanByIdempotencyKey, insertPlan, SUBMITTING } from '../db/plans-repository';
import type { Plan } from '../plan/validate-plan';
import type { Tenant } from '../tenants/tenants-repository';
import { planWorkflowId } from '../workflows/definitions';
import { initialSteps } from '../workflows/plan-state';
import { HttpError } from './http-error';
import { idempotencyKeyReused } from './idempotency-key';
import { insertAdmittedPlan } from './plan-admission';
import {
  approvalReason,
  checkedPlan,
  splitExecute,
  startSubmitted,
  workflowInputOf,
} from './plan-preparation';
import type { Submitter } from './plan-visibility';
import { policyRefusal } from './plan-policy';
import { requestHash } from './request-hash';
import type { StartPlanConfig } from './start-plan-workflow';

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
  /** The planner that made the plan from an intent; unset for a plan sent as one. */
  planner?: string;
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

const UNIQUE_VIOLATION = '23505';
const isLimited = (err: unknown) => err instanceof HttpError && err.status === 429;

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
    /**
     * Checks a plan as a submission would, writing nothing: the plan in
     * canonical form, or the same 4xx POST /v1/plans answers. The tenant's
     * rate and approval-queue limits (429) are not checked: they depend on
     * the moment the plan runs.
     */
    validate(tenant: Tenant, body: unknown): Plan {
      const plan = checkedPlan(tenant, splitExecute(body).plan);
      const refusal = policyRefusal(plan, tenant.settings);
      if (refusal) throw refusal;
      return plan;
    },

    /** Submits a plan; with `"execute": false` in the body, stores it as a draft instead of running it. */
    async submit(tenant: Tenant, body: unknown, options: SubmitOptions = {}): Promise<Submitted> {
      const split = splitExecute(body);
      const checked = checkedPlan(tenant, split.plan);
      // A draft's key is bound to being a draft: the same key cannot then ask for a run.
      const hash =
        options.requestHash ??
        requestHash(split.execute ? checked : { plan: checked, execute: false });
      const key = options.idempotencyKey;
      if (key) {
        const existing = await repeat(tenant.id, key, hash);
        if (existing) return { row: existing, created: false, approvalReason: null };
      }
      // After the repeat check: a repeat gets its plan even if the policy changed since.
      const refusal = policyRefusal(checked, tenant.settings);
      if (refusal) throw refusal;
      // Names in a match become addresses now, so the workflow compares addresses only.
      const plan = await withMatchedContacts(deps.db, tenant.id, checked);

      const id = randomUUID();
      const workflowId = planWorkflowId(tenant.id, id);
      const reason = approvalReason(tenant, plan, options.approvalReason);
      const input = workflowInputOf(tenant, plan, id, {
        approvalReason: reason,
        source: options.source ?? 'api',
        planner: options.planner,
      });
      const timezone = input.timezone;
      const now = deps.now?.() ?? new Date();
      const admission = { tenant, plan, workflowId, approvalReason: reason, now };
      let row: PlanRow;
      try {
        const values: NewPlanRow = {
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
          status: split.execute ? SUBMITTING : DRAFT,
          current_step: null,
          step_results: JSON.stringify(initialSteps(plan)),
          error: null,
          idempotency_key: key ?? null,
          request_hash: hash,
          workflow_input: JSON.stringify(input),
          ...options.submitter,
          updated_at: new Date(),
        };
        // A draft reserves nothing and waits for no one: its execution is admitted.
        row = split.execute
          ? await insertAdmittedPlan(deps.db, admission, values)
          : await insertPlan(deps.db, values);
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
      if (!split.execute) return { row, created: true, approvalReason: null };
      deps.afterInsert?.();
      row = await startSubmitted(deps, row, input, options.log ?? deps.logger);
      return { row, created: true, approvalReason: reason };
    },
  };
}

export type PlanService = ReturnType<typeof createPlanService>;
