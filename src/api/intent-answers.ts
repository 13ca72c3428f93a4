import type { Kysely } from 'kysely';
import type { Database, DecisionRow, PlanRow } from '../db/database';
import { findPlan } from '../db/plans-repository';
import type { PlannerResult } from '../planner/planner';
import type { Tenant } from '../tenants/tenants-repository';
import { HttpError } from './http-error';
import type { FieldError } from '../plan/field-error';
import { idempotencyKeyReused } from './idempotency-key';
import type { IntentRequest } from './intent-service';

/** What the API answers for an intent: an HTTP status and its JSON body. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** The decision-log fields an intent and its planner result fill. */
export function decisionOf(tenant: Tenant, req: IntentRequest, result: PlannerResult | null) {
  return {
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
  };
}

/** A refusal, in the error shape, naming the decision that refused. */
export function errorAnswer(
  id: string,
  status: number,
  code: string,
  message: string,
  detail: string,
  more: FieldError[] = [],
): Answer {
  return {
    status,
    body: {
      decision_id: id,
      error: { code, message, details: [{ path: 'text', message: detail }, ...more] },
    },
  };
}

/** A refusal answer becomes the HttpError the middleware renders. */
export function refuse(answer: Answer): never {
  const { decision_id: id, error } = answer.body as {
    decision_id: string;
    error: { code: string; message: string; details: { path: string; message: string }[] };
  };
  throw new HttpError(answer.status, error.code, error.message, error.details, {
    'x-errand-decision': id,
  });
}

/** The first decision's answer for a repeated key (200 for a plan), its plan's status brought up to date. */
export async function replay(
  db: Kysely<Database>,
  first: DecisionRow,
  hash: string,
): Promise<Answer> {
  if (first.request_hash !== null && first.request_hash !== hash) throw idempotencyKeyReused();
  const answer = first.answer as Answer | null;
  if (!answer) throw new Error(`decision ${first.id} holds a key but no answer`);
  if (answer.status >= 400) refuse(answer);
  const plan: PlanRow | undefined = first.plan_id
    ? await findPlan(db, first.tenant_id, first.plan_id)
    : undefined;
  return {
    status: 200,
    body: { ...answer.body, ...(plan ? { status: plan.status } : {}) },
  };
}
