import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, ReminderRow } from '../db/database';
import { listReminders } from '../db/reminders-repository';
import { limitParam, parseQuery } from './pagination';
import { tenantOf } from './tenant-context';

const remindersQuery = z.strictObject({
  status: z.enum(['pending', 'fired', 'cancelled']).optional(),
  limit: limitParam,
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

/** The tenant's reminders, soonest first. */
export function remindersRoutes(db: Kysely<Database>): Router {
  const router = Router();
  router.get('/v1/reminders', async (req, res) => {
    const query = parseQuery(remindersQuery, req.query);
    const rows = await listReminders(db, tenantOf(res).id, query);
    res.json({ data: rows.map(reminderView) });
  });
  return router;
}
