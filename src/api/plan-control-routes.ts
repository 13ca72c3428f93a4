import type { Client } from '@temporalio/client';
import { Router, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isUuid } from '../db/calendar-repository';
import type { Database } from '../db/database';
import { cancelDraft, DRAFT } from '../db/plan-runs-repository';
import { findPlan, SUBMITTING } from '../db/plans-repository';
import {
  approvePlan,
  rejectPlan,
  TERMINAL_PLAN_STATUSES,
  type PlanStatus,
} from '../workflows/definitions';
import { HttpError, notFound } from './http-error';
import { parseBody } from './parse-body';
import { requireJson } from './require-json';
import { updateRefusal } from './update-refusal';
import { canSee, isOwnPlan } from './plan-visibility';
import { principalOf, tenantOf } from './tenant-context';

export const approveBody = z.strictObject({
  reason: z.string().trim().min(1).max(1000).optional(),
});
export const rejectBody = approveBody.extend({ reason: z.string().trim().min(1).max(1000) });

/** Decisions and cancellation: Temporal Updates and cancel requests, scoped by tenant. */
export function planControlRoutes(deps: {
  db: Kysely<Database>;
  temporal: Client;
  webUiLink: (workflowId: string) => string;
}): Router {
  const router = Router();

  const planOf = async (res: Response, id: string) => {
    const tenant = tenantOf(res);
    const row = isUuid(id) ? await findPlan(deps.db, tenant.id, id) : undefined;
    if (!row || !canSee(row, principalOf(res), tenant)) throw notFound('plan');
    // Its workflow may not exist yet: nothing can be decided or cancelled until it does.
    if (row.status === SUBMITTING) {
      throw new HttpError(
        409,
        'plan_starting',
        'the plan is saved but its workflow is still being started; retry shortly',
      );
    }
    return row;
  };

  for (const [path, update, schema] of [
    ['approve', approvePlan, approveBody],
    ['reject', rejectPlan, rejectBody],
  ] as const) {
    router.post(`/v1/plans/:id/${path}`, requireJson, async (req, res) => {
      const body = parseBody(schema, req.body ?? {});
      const row = await planOf(res, String(req.params.id));
      if (row.status === DRAFT) {
        throw new HttpError(
          409,
          'plan_is_draft',
          'the plan is a draft: nothing waits for a decision until it is executed',
        );
      }
      const principal = principalOf(res);
      if (tenantOf(res).settings.four_eyes && isOwnPlan(row, principal)) {
        throw new HttpError(
          403,
          'four_eyes',
          `the tenant requires four eyes: you submitted this plan, so another approver must ${path} it`,
        );
      }
      try {
        const decision = await deps.temporal.workflow
          .getHandle(row.workflow_id)
          .executeUpdate(update, {
            args: [
              // The decider is whoever the credential names (its user, if it has one);
              // a body or header cannot claim it.
              { by: principal.user ?? principal.name, reason: body.reason },
            ],
          });
        res.json({ plan_id: row.id, decision, links: { web_ui: deps.webUiLink(row.workflow_id) } });
      } catch (err) {
        throw refusal(err, row.status);
      }
    });
  }

  router.post('/v1/plans/:id/cancel', async (req, res) => {
    const row = await planOf(res, req.params.id);
    const principal = principalOf(res);
    if (
      row.status === DRAFT &&
      (await cancelDraft(
        deps.db,
        row.tenant_id,
        row.id,
        new Date(),
        principal.user ?? principal.name,
      ))
    ) {
      // A draft has no workflow: it is cancelled at once.
      res.json({
        plan_id: row.id,
        status: 'cancelled',
        links: { web_ui: deps.webUiLink(row.workflow_id) },
      });
      return;
    }
    if (row.status === DRAFT)
      throw new HttpError(409, 'plan_changed', 'the draft was executed meanwhile: cancel again');
    if (TERMINAL_PLAN_STATUSES.includes(row.status as PlanStatus)) throw ended(row.status);
    try {
      await deps.temporal.workflow.getHandle(row.workflow_id).cancel();
    } catch (err) {
      throw refusal(err, row.status);
    }
    res.status(202).json({
      plan_id: row.id,
      status: 'cancelling',
      links: { web_ui: deps.webUiLink(row.workflow_id) },
    });
  });

  return router;
}

const ended = (status: string) =>
  new HttpError(409, 'plan_ended', `the plan has already ended (${status})`);

/** A decision the workflow refused, or a plan whose workflow has ended, is a conflict. */
const refusal = (err: unknown, status: string) =>
  updateRefusal(
    err,
    { code: 'not_awaiting_approval', message: 'the plan is not awaiting approval' },
    () => ended(status),
  );
