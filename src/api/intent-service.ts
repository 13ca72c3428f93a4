import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { insertDecision, type DecisionOutcome, type NewDecision } from '../db/decisions-repository';
import { CannotPlanError, type Planner, type PlannerResult } from '../planner/planner';
import type { Tenant } from '../tenants/tenants-repository';
import { HttpError } from './http-error';
import type { PlanService } from './plan-service';

export interface IntentRequest {
  text: string;
  context?: Record<string, unknown>;
  timezone?: string;
  dry_run: boolean;
  source: string;
  conversation_id?: string;
  user_id?: string;
}

export interface IntentServiceDeps {
  db: Kysely<Database>;
  planner: Planner;
  plans: PlanService;
  now: () => Date;
}

/**
 * From a sentence to a running plan: plan it, gate it on the planner's
 * confidence and the tenant's thresholds, and log the decision either way.
 */
export function createIntentService(deps: IntentServiceDeps) {
  const log = (
    tenant: Tenant,
    req: IntentRequest,
    result: PlannerResult | null,
    rest: Pick<NewDecision, 'outcome' | 'reason' | 'plan_id'>,
  ) =>
    insertDecision(deps.db, {
      id: randomUUID(),
      tenant_id: tenant.id,
      source: req.source,
      text: req.text,
      planner: result?.planner ?? null,
      model: result?.model ?? null,
      prompt: result?.prompt,
      response: result?.response,
      usage: result?.usage,
      confidence: result?.confidence ?? null,
      reasoning: result?.reasoning ?? null,
      warnings: result?.warnings ?? [],
      actions: result?.actions ?? null,
      ...rest,
    });

  return {
    async handle(tenant: Tenant, req: IntentRequest) {
      const timezone = req.timezone ?? tenant.timezone;
      let result: PlannerResult;
      try {
        // The planner sees whom it plans for as well as what the caller adds.
        const context = {
          tenant: { id: tenant.id, name: tenant.name, timezone: tenant.timezone },
          ...req.context,
        };
        result = await deps.planner.plan(req.text, { now: deps.now(), timezone, context });
      } catch (err) {
        if (!(err instanceof CannotPlanError)) throw err;
        const decision = await log(tenant, req, null, {
          outcome: 'rejected',
          reason: `${err.reason}: ${err.message}`,
          plan_id: null,
        });
        throw new HttpError(
          422,
          'cannot_plan',
          err.message,
          [{ path: 'text', message: `${err.reason}: ${err.message}` }, ...err.details],
          {
            'x-errand-decision': decision.id,
          },
        );
      }
      const plan = {
        intent: req.text,
        context: req.context,
        timezone,
        conversation_id: req.conversation_id,
        user_id: req.user_id,
        actions: result.actions,
      };
      const summary = {
        actions: result.actions,
        confidence: result.confidence,
        planner: result.planner,
        reasoning: result.reasoning,
        warnings: result.warnings,
      };
      const { auto_execute_threshold: auto, reject_threshold: reject } = tenant.settings.planner;
      if (req.dry_run) {
        const decision = await log(tenant, req, result, {
          outcome: 'dry_run',
          reason: null,
          plan_id: null,
        });
        return {
          status: 200,
          body: { decision_id: decision.id, outcome: 'dry_run' as const, ...summary },
        };
      }
      if (result.confidence < reject) {
        const reason = `the planner's confidence ${result.confidence.toFixed(2)} is below the reject threshold ${reject}`;
        const decision = await log(tenant, req, result, {
          outcome: 'rejected',
          reason,
          plan_id: null,
        });
        throw new HttpError(422, 'low_confidence', reason, [{ path: 'text', message: reason }], {
          'x-errand-decision': decision.id,
        });
      }
      const lowConfidence =
        result.confidence < auto
          ? `the planner's confidence ${result.confidence.toFixed(2)} is below the auto-execute threshold ${auto}`
          : undefined;
      let submitted;
      try {
        submitted = await deps.plans.submit(tenant, plan, {
          source: req.source,
          approvalReason: lowConfidence,
        });
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        await log(tenant, req, result, { outcome: 'failed', reason, plan_id: null });
        throw err;
      }
      const { row, approvalReason } = submitted;
      const outcome: DecisionOutcome = approvalReason ? 'awaiting_approval' : 'executed';
      const decision = await log(tenant, req, result, {
        outcome,
        reason: lowConfidence ?? null,
        plan_id: row.id,
      });
      return {
        status: 201,
        body: {
          decision_id: decision.id,
          outcome,
          plan_id: row.id,
          workflow_id: row.workflow_id,
          status: row.status,
          ...summary,
        },
      };
    },
  };
}
