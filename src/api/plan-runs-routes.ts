import { Router, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isUuid } from '../db/calendar-repository';
import type { Database, PlanRow } from '../db/database';
import { findPlan, SUBMITTING } from '../db/plans-repository';
import { notFound } from './http-error';
import { parseBody } from './parse-body';
import type { PlanRuns } from './plan-runs';
import { canSee } from './plan-visibility';
import { requireJson } from './require-json';
import { principalOf, tenantOf } from './tenant-context';

export interface PlanRunsRoutesDeps {
  db: Kysely<Database>;
  runs: PlanRuns;
  webUiLink: (workflowId: string) => string;
}

export const retryBody = z.strictObject({
  from_step: z.number().int().min(0).max(1000).optional(),
});

/** Executing a draft and retrying an ended plan, scoped by tenant and by what the caller may see. */
export function planRunsRoutes(deps: PlanRunsRoutesDeps): Router {
  const router = Router();

  const planOf = async (res: Response, id: string) => {
    const tenant = tenantOf(res);
    const row = isUuid(id) ? await findPlan(deps.db, tenant.id, id) : undefined;
    if (!row || !canSee(row, principalOf(res), tenant)) throw notFound('plan');
    return row;
  };
  const byOf = (res: Response) => principalOf(res).user ?? principalOf(res).name;
  const answer = (res: Response, row: PlanRow, status: number) =>
    res
      .status(status)
      .location(`/v1/plans/${row.id}`)
      .json({
        plan_id: row.id,
        workflow_id: row.workflow_id,
        attempt: row.attempt,
        status: row.status,
        links: { self: `/v1/plans/${row.id}`, web_ui: deps.webUiLink(row.workflow_id) },
      });
  // 202: saved, but the workflow's start is not confirmed yet; the reconciler will start it.
  const startedStatus = (row: PlanRow) => (row.status === SUBMITTING ? 202 : 200);

  router.post('/v1/plans/:id/execute', async (req, res) => {
    const row = await planOf(res, String(req.params.id));
    const { row: now, started } = await deps.runs.execute(tenantOf(res), row, {
      by: byOf(res),
      log: req.log,
    });
    answer(res, now, started ? startedStatus(now) : 200);
  });

  router.post('/v1/plans/:id/retry', requireJson, async (req, res) => {
    const body = parseBody(retryBody, req.body ?? {});
    const row = await planOf(res, String(req.params.id));
    const now = await deps.runs.retry(tenantOf(res), row, body.from_step, {
      by: byOf(res),
      log: req.log,
    });
    answer(res, now, startedStatus(now));
  });

  return router;
}
