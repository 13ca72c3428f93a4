import { sql, type Kysely } from 'kysely';
import { afterCursor, type KeysetCursor } from './keyset';
import { TERMINAL_PLAN_STATUSES } from '../workflows/definitions';
import type { Database, DecisionRow } from './database';

export type DecisionOutcome = 'executed' | 'awaiting_approval' | 'rejected' | 'failed' | 'dry_run';

export interface NewDecision {
  id: string;
  tenant_id: string;
  source: string;
  text: string;
  planner: string | null;
  model: string | null;
  prompt: unknown;
  response: unknown;
  usage: unknown;
  confidence: number | null;
  reasoning: string | null;
  warnings: string[];
  actions: unknown[] | null;
  outcome: DecisionOutcome;
  reason: string | null;
  plan_id: string | null;
  effective_confidence: number | null;
  idempotency_key: string | null;
  request_hash: string | null;
  /** The HTTP answer given, replayed for a repeated Idempotency-Key. */
  answer: unknown;
}

const json = (value: unknown) =>
  value === undefined || value === null ? null : JSON.stringify(value);

export async function insertDecision(db: Kysely<Database>, d: NewDecision): Promise<DecisionRow> {
  return db
    .insertInto('decisions')
    .values({
      ...d,
      prompt: json(d.prompt),
      response: json(d.response),
      usage: json(d.usage),
      warnings: JSON.stringify(d.warnings),
      actions: json(d.actions),
      answer: json(d.answer),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findDecisionByIdempotencyKey(
  db: Kysely<Database>,
  tenantId: string,
  key: string,
): Promise<DecisionRow | undefined> {
  return db
    .selectFrom('decisions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export interface DecisionFilter {
  outcome?: string;
  planner?: string;
  source?: string;
  limit: number;
  before?: KeysetCursor;
}

/** A tenant's decisions, newest first, by keyset pages. */
export async function listDecisions(db: Kysely<Database>, tenantId: string, f: DecisionFilter) {
  let query = db.selectFrom('decisions').selectAll().where('tenant_id', '=', tenantId);
  if (f.outcome) query = query.where('outcome', '=', f.outcome);
  if (f.planner) query = query.where('planner', '=', f.planner);
  if (f.source) query = query.where('source', '=', f.source);
  return afterCursor(query, f.before)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit)
    .execute();
}

/** Counts and rates over a tenant's decisions and the plans they started. */
export async function decisionAnalytics(db: Kysely<Database>, tenantId: string) {
  const byOutcome = await db
    .selectFrom('decisions')
    .select(['outcome', 'planner', (eb) => eb.fn.countAll<string>().as('n')])
    .where('tenant_id', '=', tenantId)
    .groupBy(['outcome', 'planner'])
    .execute();
  const totals = await db
    .selectFrom('decisions')
    .select([
      (eb) => eb.fn.countAll<string>().as('decisions'),
      (eb) => eb.fn.avg<string | null>('confidence').as('mean_confidence'),
    ])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  const plans = await db
    .selectFrom('decisions')
    .innerJoin('action_plans', 'action_plans.id', 'decisions.plan_id')
    .select([
      sql<string>`count(*) filter (where action_plans.status = 'completed')`.as('completed'),
      sql<string>`count(*) filter (where action_plans.status = any(${[...TERMINAL_PLAN_STATUSES]}))`.as(
        'ended',
      ),
    ])
    .where('decisions.tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  // Every decision of every plan the intents started (plan-level and step-level), not just the first.
  const approvals = await db
    .selectFrom('decisions')
    .innerJoin('action_plans', 'action_plans.id', 'decisions.plan_id')
    .innerJoin(
      sql<{
        value: unknown;
      }>`jsonb_array_elements(coalesce(action_plans.approvals, '[]'::jsonb))`.as('approval'),
      (join) => join.onTrue(),
    )
    .select([
      sql<string>`count(*) filter (where approval.value->'decision'->>'outcome' = 'approved')`.as(
        'approved',
      ),
      sql<string>`count(*) filter (where jsonb_typeof(approval.value->'decision') = 'object')`.as(
        'decided',
      ),
    ])
    .where('decisions.tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return { byOutcome, totals, plans: { ...plans, ...approvals } };
}
