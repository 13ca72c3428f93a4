import { Router, type Response } from 'express';
import { z } from 'zod';
import { isUuid } from '../db/calendar-repository';
import type { ReminderRow } from '../db/database';
import { findReminder, listReminders } from '../db/reminders-repository';
import { cancelPendingReminder, type ReminderSyncDeps } from '../reminders/reminder-sync';
import { HttpError, notFound } from './http-error';
import { decodeCursor, limitParam, page, parseQuery } from './pagination';
import { canSeeFromPlan, narrowedTo } from './plan-visibility';
import { principalOf, tenantOf } from './tenant-context';

export const remindersQuery = z.strictObject({
  status: z.enum(['pending', 'fired', 'cancelled']).optional(),
  limit: limitParam,
  cursor: z.string().max(500).optional(),
});

export function reminderView(row: ReminderRow) {
  return {
    id: row.id,
    status: row.status,
    fire_at: row.fire_at.toISOString(),
    fired_at: row.fired_at?.toISOString() ?? null,
    channel: row.channel,
    recipients: row.recipients,
    message: row.message,
    meeting_id: row.meeting_id,
    plan_id: row.plan_id,
    step: row.step_index,
    workflow_id: row.workflow_id,
  };
}

/** The tenant's reminders, soonest first; a pending one can be cancelled. */
export function remindersRoutes(deps: ReminderSyncDeps): Router {
  const { db } = deps;
  const router = Router();
  router.get('/v1/reminders', async (req, res) => {
    const query = parseQuery(remindersQuery, req.query);
    const tenant = tenantOf(res);
    const rows = await listReminders(db, tenant.id, {
      status: query.status,
      owner: narrowedTo(principalOf(res), tenant),
      limit: query.limit,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    res.json(
      page(rows, query.limit, reminderView, (row) => ({ created_at: row.fire_at, id: row.id })),
    );
  });
  const visible = async (res: Response, id: string) => {
    const tenant = tenantOf(res);
    const row = isUuid(id) ? await findReminder(db, tenant.id, id) : undefined;
    if (!row || !(await canSeeFromPlan(db, row.plan_id, principalOf(res), tenant))) {
      throw notFound('reminder');
    }
    return row;
  };
  router.get('/v1/reminders/:id', async (req, res) => {
    res.json(reminderView(await visible(res, req.params.id)));
  });
  router.delete('/v1/reminders/:id', async (req, res) => {
    const row = await visible(res, req.params.id);
    const cancelled = row.status === 'pending' ? await cancelPendingReminder(deps, row) : undefined;
    if (!cancelled) {
      const state = row.status === 'pending' ? 'is no longer pending' : `has already ${row.status}`;
      throw new HttpError(409, 'reminder_not_pending', `the reminder ${state}`);
    }
    res.json(reminderView(cancelled));
  });
  return router;
}
