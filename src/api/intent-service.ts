import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import {
  findDecisionByIdempotencyKey,
  insertDecision,
  type DecisionOutcome,
  type NewDecision,
} from '../db/decisions-repository';
import { SUBMITTING } from '../db/plans-repository';
import { resolvePeople } from '../contacts/resolve-people';
import { CannotPlanError, type Planner, type PlannerResult } from '../planner/planner';
import type { Tenant } from '../tenants/tenants-repository';
import type { PlanWorkflowInput } from '../workflows/definitions';
import { HttpError } from './http-error';
import { decisionOf, errorAnswer, refuse, replay, type Answer } from './intent-answers';
import { gateIntent, type IntentSource } from './intent-gate';
import type { PlanService } from './plan-service';
import { plannerConfidence, plannerOutcomes } from '../metrics/errand-metrics';
import { requestHash } from './request-hash';
import type { Submitter } from './plan-visibility';

export interface IntentRequest {
  text: string;
  context?: Record<string, unknown>;
  timezone?: string;
  dry_run: boolean;
  source: IntentSource;
  conversation_id?: string;
  user_id?: string;
}

/** Who asked, for idempotency and the log; not part of what is planned. */
export interface IntentCall {
  idempotencyKey?: string;
  /** Who asked: recorded on the plan the intent starts. */
  submitter?: Submitter;
  requestId?: string;
  log?: Logger;
  /** Takes a language model's answer as it is written, for a client streaming the turn (see PlanOptions). */
  onToken?: (text: string, round: number) => void;
}

export interface IntentServiceDeps {
  db: Kysely<Database>;
  planner: Planner;
  /** The independent check of untrusted text a model planned (the rules planner). */
  check: Planner;
  plans: PlanService;
  logger: Logger;
  now: () => Date;
}

const UNIQUE_VIOLATION = '23505';

/**
 * From a sentence to a running plan: plan it, gate it (see gateIntent), and
 * log the decision either way. With an Idempotency-Key, a repeat of the same
 * body gets the first decision's answer and never a second plan.
 */
export function createIntentService(deps: IntentServiceDeps) {
  return {
    async handle(tenant: Tenant, req: IntentRequest, call: IntentCall = {}) {
      const hash = requestHash(req);
      const key = call.idempotencyKey;
      if (key) {
        const first = await findDecisionByIdempotencyKey(deps.db, tenant.id, key);
        if (first) return replay(deps.db, first, hash);
      }
      const decide = async (
        result: PlannerResult | null,
        rest: Pick<NewDecision, 'outcome' | 'reason' | 'plan_id' | 'effective_confidence'>,
        answer: (decisionId: string) => Answer,
      ): Promise<Answer> => {
        const id = randomUUID();
        const given = answer(id);
        try {
          await insertDecision(deps.db, {
            ...decisionOf(tenant, req, result),
            ...rest,
            id,
            idempotency_key: key ?? null,
            request_hash: hash,
            answer: given,
          });
        } catch (err) {
          // A concurrent request with the same key decided first: its answer stands.
          if (!key || (err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
          const first = await findDecisionByIdempotencyKey(deps.db, tenant.id, key);
          if (!first) throw err;
          return replay(deps.db, first, hash);
        }
        observeDecision(tenant.id, result, rest.outcome);
        return given;
      };

      const timezone = req.timezone ?? tenant.timezone;
      const options = {
        now: deps.now(),
        timezone,
        tenant: { id: tenant.id, name: tenant.name, timezone: tenant.timezone },
        context: req.context,
      };
      let result: PlannerResult;
      try {
        result = await deps.planner.plan(req.text, { ...options, onToken: call.onToken });
      } catch (err) {
        if (!(err instanceof CannotPlanError)) throw err;
        const detail = `${err.reason}: ${err.message}`;
        return refuse(
          await decide(
            null,
            { outcome: 'rejected', reason: detail, plan_id: null, effective_confidence: null },
            (id) => errorAnswer(id, 422, 'cannot_plan', err.message, detail, err.details),
          ),
        );
      }
      let fromContacts: string[] = [];
      if (result.people?.length) {
        const resolved = await resolvePeople(deps.db, tenant.id, result);
        if (!resolved.ok) {
          const detail = `missing_information: ${resolved.message}`;
          return refuse(
            await decide(
              result,
              { outcome: 'rejected', reason: detail, plan_id: null, effective_confidence: null },
              (id) =>
                errorAnswer(id, 422, 'cannot_plan', resolved.message, detail, resolved.problems),
            ),
          );
        }
        result = resolved.result;
        fromContacts = resolved.addresses;
      }
      const summary = {
        actions: result.actions,
        confidence: result.confidence,
        planner: result.planner,
        reasoning: result.reasoning,
        warnings: result.warnings,
      };
      if (req.dry_run) {
        return decide(
          result,
          { outcome: 'dry_run', reason: null, plan_id: null, effective_confidence: null },
          (id) => ({
            status: 200,
            body: { decision_id: id, outcome: 'dry_run', ...summary },
          }),
        );
      }
      const gate = await gateIntent({
        text: req.text,
        source: req.source,
        result,
        thresholds: tenant.settings.planner,
        check: deps.check,
        options,
        fromContacts,
      });
      if (gate.kind === 'reject') {
        return refuse(
          await decide(
            result,
            {
              outcome: 'rejected',
              reason: gate.reason,
              plan_id: null,
              effective_confidence: gate.confidence,
            },
            (id) => errorAnswer(id, 422, 'low_confidence', gate.reason, gate.reason),
          ),
        );
      }

      const approval = gate.approvalReasons.join('; ') || undefined;
      let submitted;
      try {
        submitted = await deps.plans.submit(
          tenant,
          {
            intent: req.text,
            context: req.context,
            timezone,
            conversation_id: req.conversation_id,
            user_id: req.user_id,
            actions: result.actions,
          },
          {
            source: req.source,
            planner: result.planner,
            approvalReason: approval,
            // The plan is keyed by the intent's key, so concurrent repeats create one plan. A
            // newline cannot stand in a header, so no key a client sends to /v1/plans meets it.
            idempotencyKey: key ? `intent\n${key}` : undefined,
            requestHash: hash,
            submitter: call.submitter,
            log: call.log,
          },
        );
      } catch (err) {
        // Only a client-facing refusal is worth keeping verbatim; the rest stays in the log.
        const reason =
          err instanceof HttpError && err.status < 500
            ? err.message
            : `the plan could not be submitted (internal error, request ${call.requestId ?? 'unknown'})`;
        (call.log ?? deps.logger).error({ err }, 'intent submission failed');
        // Unkeyed and without an answer, so a retry with the same key plans again.
        await insertDecision(deps.db, {
          ...decisionOf(tenant, req, result),
          id: randomUUID(),
          outcome: 'failed',
          reason,
          plan_id: null,
          effective_confidence: gate.confidence,
          idempotency_key: null,
          request_hash: hash,
          answer: null,
        });
        observeDecision(tenant.id, result, 'failed');
        throw err;
      }
      const { row, created } = submitted;
      if (!created && key) {
        // An earlier attempt created the plan; if it also logged its decision, that answer stands.
        const first = await findDecisionByIdempotencyKey(deps.db, tenant.id, key);
        if (first) return replay(deps.db, first, hash);
      }
      const reason = created
        ? submitted.approvalReason
        : ((row.workflow_input as PlanWorkflowInput | null)?.approval_reason ?? null);
      const outcome: DecisionOutcome = reason ? 'awaiting_approval' : 'executed';
      return decide(
        created ? result : { ...result, actions: row.actions as PlannerResult['actions'] },
        { outcome, reason, plan_id: row.id, effective_confidence: gate.confidence },
        (id) => ({
          status: row.status === SUBMITTING ? 202 : 201,
          body: {
            decision_id: id,
            outcome,
            plan_id: row.id,
            workflow_id: row.workflow_id,
            status: row.status,
            approval_reason: reason,
            effective_confidence: gate.confidence,
            ...summary,
            actions: created ? result.actions : row.actions,
          },
        }),
      );
    },
  };
}

/** Counts a decision once it is logged: replays of an earlier decision are not counted again. */
function observeDecision(
  tenant: string,
  result: PlannerResult | null,
  outcome: DecisionOutcome,
): void {
  // A planner that could not plan at all gave no result, and so no confidence.
  const planner = result?.planner ?? 'none';
  plannerOutcomes.inc({ tenant, planner, outcome });
  if (result && Number.isFinite(result.confidence)) {
    plannerConfidence.observe({ planner }, result.confidence);
  }
}
