import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { boundedContext } from '../plan/context-schema';
import type { Database, DecisionRow } from '../db/database';
import { decisionAnalytics, listDecisions } from '../db/decisions-repository';
import { timeZone } from '../plan/plan-schema';
import { idempotencyKeyOf } from './idempotency-key';
import { INTENT_SOURCES } from './intent-gate';
import type { createIntentService } from './intent-service';
import { decodeCursor, limitParam, page, parseQuery } from './pagination';
import { parseBody } from './parse-body';
import { requireJson } from './require-json';
import { principalOf, tenantOf } from './tenant-context';
import { submitterOf } from './plan-visibility';

export const intentBody = z.strictObject({
  text: z.string().trim().min(1).max(2000),
  context: boundedContext.optional(),
  timezone: timeZone.optional(),
  dry_run: z.boolean().default(false),
  source: z.enum(INTENT_SOURCES).default('api'),
  conversation_id: z.string().max(200).optional(),
  user_id: z.string().max(200).optional(),
});

export const decisionsQuery = z.strictObject({
  outcome: z.enum(['executed', 'awaiting_approval', 'rejected', 'failed', 'dry_run']).optional(),
  planner: z.enum(['rules', 'openai']).optional(),
  source: z.enum(INTENT_SOURCES).optional(),
  limit: limitParam,
  cursor: z.string().max(500).optional(),
});

function decisionView(row: DecisionRow) {
  return { ...row, created_at: row.created_at.toISOString() };
}

/** Sentences in, plans out; and the log of every decision the planner took. */
export function intentsRoutes(deps: {
  db: Kysely<Database>;
  intents: ReturnType<typeof createIntentService>;
  webUiLink: (workflowId: string) => string;
}): Router {
  const router = Router();

  router.post('/v1/intents', requireJson, async (req, res) => {
    const key = idempotencyKeyOf(req);
    const body = parseBody(intentBody, req.body);
    const { status, body: out } = await deps.intents.handle(tenantOf(res), body, {
      idempotencyKey: key,
      submitter: submitterOf(principalOf(res)),
      requestId: String(req.id),
      log: req.log,
    });
    const workflowId = out.workflow_id;
    res
      .status(status)
      .json(
        typeof workflowId === 'string'
          ? { ...out, links: { web_ui: deps.webUiLink(workflowId) } }
          : out,
      );
  });

  router.get('/v1/decisions', async (req, res) => {
    const query = parseQuery(decisionsQuery, req.query);
    const rows = await listDecisions(deps.db, tenantOf(res).id, {
      ...query,
      before: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    res.json(page(rows, query.limit, decisionView));
  });

  router.get('/v1/analytics', async (_req, res) => {
    const { byOutcome, totals, plans } = await decisionAnalytics(deps.db, tenantOf(res).id);
    const count = (n: string | number) => Number(n);
    const by = (key: 'outcome' | 'planner') =>
      byOutcome.reduce<Record<string, number>>((acc, row) => {
        const k = row[key] ?? 'none';
        acc[k] = (acc[k] ?? 0) + count(row.n);
        return acc;
      }, {});
    res.json({
      decisions: count(totals.decisions),
      by_outcome: by('outcome'),
      by_planner: by('planner'),
      mean_confidence:
        totals.mean_confidence === null ? null : Number(Number(totals.mean_confidence).toFixed(3)),
      approval_rate: count(plans.decided) ? count(plans.approved) / count(plans.decided) : null,
      plan_success_rate: count(plans.ended) ? count(plans.completed) / count(plans.ended) : null,
    });
  });

  return router;
}
