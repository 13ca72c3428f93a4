import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isUuid } from '../db/calendar-repository';
import type { Database } from '../db/database';
import { findPlan, listPlanEvents, listPlans, SUBMITTING } from '../db/plans-repository';
import { notFound } from './http-error';
import { idempotencyKeyOf, idempotencyKeyReused } from './idempotency-key';
import { decodeCursor, limitParam, page, parseQuery } from './pagination';
import type { PlanService } from './plan-service';
import { planView } from './plan-view';
import { requireJson } from './require-json';
import { canSee, narrowedTo, ownerOf, submitterOf } from './plan-visibility';
import { principalOf, tenantOf } from './tenant-context';

export interface PlansRoutesDeps {
  db: Kysely<Database>;
  plans: PlanService;
  /** Builds the Temporal Web UI address of a workflow. */
  webUiLink: (workflowId: string) => string;
}

export const listQuery = z.strictObject({
  status: z.string().max(40).optional(),
  /** true: only the caller's own plans (by user, else by key). */
  mine: z.enum(['true', 'false']).optional(),
  limit: limitParam,
  cursor: z.string().max(500).optional(),
});

export function plansRoutes(deps: PlansRoutesDeps): Router {
  const router = Router();

  router.post('/v1/plans', requireJson, async (req, res) => {
    const tenant = tenantOf(res);
    const principal = principalOf(res);
    const { row, created } = await deps.plans.submit(tenant, req.body, {
      idempotencyKey: idempotencyKeyOf(req),
      submitter: submitterOf(principal),
      log: req.log,
    });
    // A repeat must not hand a narrowed submitter another user's plan.
    if (!created && !canSee(row, principal, tenant)) throw idempotencyKeyReused();
    // 202: saved, but its workflow's start is not confirmed yet; the reconciler will start it.
    const status = !created ? 200 : row.status === SUBMITTING ? 202 : 201;
    res
      .status(status)
      .location(`/v1/plans/${row.id}`)
      .json({
        plan_id: row.id,
        workflow_id: row.workflow_id,
        status: row.status,
        links: { self: `/v1/plans/${row.id}`, web_ui: deps.webUiLink(row.workflow_id) },
      });
  });

  // Writes nothing: no plan, no event, no decision.
  router.post('/v1/plans/validate', requireJson, (req, res) => {
    res.json({ valid: true, plan: deps.plans.validate(tenantOf(res), req.body) });
  });

  router.get('/v1/plans', async (req, res) => {
    const tenant = tenantOf(res);
    const principal = principalOf(res);
    const query = parseQuery(listQuery, req.query);
    const rows = await listPlans(deps.db, tenant.id, {
      status: query.status,
      owner: query.mine === 'true' ? ownerOf(principal) : narrowedTo(principal, tenant),
      limit: query.limit,
      before: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    res.json(
      page(rows, query.limit, (row) => planView(row, { webUi: deps.webUiLink(row.workflow_id) })),
    );
  });

  router.get('/v1/plans/:id', async (req, res) => {
    const tenant = tenantOf(res);
    const row = isUuid(req.params.id)
      ? await findPlan(deps.db, tenant.id, req.params.id)
      : undefined;
    if (!row || !canSee(row, principalOf(res), tenant)) throw notFound('plan');
    const events = await listPlanEvents(deps.db, tenant.id, row.id);
    res.json({
      ...planView(row, { webUi: deps.webUiLink(row.workflow_id) }),
      events: events.map((e) => ({ ...e, created_at: e.created_at.toISOString() })),
    });
  });

  return router;
}
