import type { Client } from '@temporalio/client';
import { Router, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isUuid } from '../db/calendar-repository';
import type { Database, ScheduleRow } from '../db/database';
import { scheduleBody } from '../schedules/schedule-request';
import type { ScheduleService } from '../schedules/schedule-service';
import { RECENT_RUNS, scheduleDetailView, scheduleView } from '../schedules/schedule-view';
import {
  deleteSchedule,
  findSchedule,
  listScheduleRuns,
  listSchedules,
  setScheduleStatus,
} from '../schedules/schedules-repository';
import { onSchedule } from '../schedules/temporal-schedule';
import { scheduleId } from '../workflows/definitions';
import { notFound } from './http-error';
import { idempotencyKeyOf } from './idempotency-key';
import { decodeCursor, limitParam, page, parseQuery } from './pagination';
import { parseBody } from './parse-body';
import { submitterOf } from './plan-visibility';
import { requireJson } from './require-json';
import { principalOf, tenantOf } from './tenant-context';

export interface SchedulesRoutesDeps {
  db: Kysely<Database>;
  temporal: Client;
  schedules: ScheduleService;
  /** Base address of the Temporal Web UI. */
  webUiUrl: string;
  /** A workflow's page in the Temporal Web UI, for each run's. */
  webUiLink: (workflowId: string) => string;
}

export const listQuery = z.strictObject({
  limit: limitParam,
  cursor: z.string().max(500).optional(),
});

/** Recurring plans: each schedule is a Temporal Schedule whose runs are ordinary plans. */
export function schedulesRoutes(deps: SchedulesRoutesDeps): Router {
  const router = Router();
  const webUi = (row: ScheduleRow) =>
    `${deps.webUiUrl}/namespaces/${deps.temporal.options.namespace}/schedules/${encodeURIComponent(scheduleId(row.tenant_id, row.id))}`;
  // Another tenant's schedule, or a malformed id, is simply not found.
  const scheduleOf = async (res: Response, id: string) => {
    const row = isUuid(id) ? await findSchedule(deps.db, tenantOf(res).id, id) : undefined;
    if (!row) throw notFound('schedule');
    return row;
  };

  router.post('/v1/schedules', requireJson, async (req, res) => {
    const key = idempotencyKeyOf(req);
    const body = parseBody(scheduleBody, req.body);
    const { row, created } = await deps.schedules.create(tenantOf(res), body, {
      submitter: submitterOf(principalOf(res)),
      idempotencyKey: key,
    });
    res
      .status(created ? 201 : 200)
      .location(`/v1/schedules/${row.id}`)
      .json({
        schedule_id: row.id,
        status: row.status,
        links: { self: `/v1/schedules/${row.id}`, web_ui: webUi(row) },
      });
  });

  router.get('/v1/schedules', async (req, res) => {
    const query = parseQuery(listQuery, req.query);
    const rows = await listSchedules(deps.db, tenantOf(res).id, {
      limit: query.limit,
      before: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    res.json(page(rows, query.limit, scheduleView));
  });

  router.get('/v1/schedules/:id', async (req, res) => {
    const row = await scheduleOf(res, req.params.id);
    const [description, runs] = await Promise.all([
      onSchedule(deps.temporal, row, (handle) => handle.describe()),
      listScheduleRuns(deps.db, row.tenant_id, row.id, RECENT_RUNS),
    ]);
    res.json(
      scheduleDetailView(row, description, runs, { schedule: webUi(row), run: deps.webUiLink }),
    );
  });

  const pauseOrResume = (paused: boolean) =>
    router.post(`/v1/schedules/:id/${paused ? 'pause' : 'resume'}`, async (req, res) => {
      const row = await scheduleOf(res, req.params.id);
      const note = `${paused ? 'paused' : 'resumed'} through the API`;
      const done = await onSchedule(deps.temporal, row, (handle) =>
        (paused ? handle.pause(note) : handle.unpause(note)).then(() => true),
      );
      if (!done) throw notFound('schedule');
      await setScheduleStatus(deps.db, row.id, paused ? 'paused' : 'active');
      res.json({ schedule_id: row.id, status: paused ? 'paused' : 'active' });
    });
  pauseOrResume(true);
  pauseOrResume(false);

  // Runs now, whatever the overlap policy: someone asked for this run.
  router.post('/v1/schedules/:id/trigger', async (req, res) => {
    const row = await scheduleOf(res, req.params.id);
    const done = await onSchedule(deps.temporal, row, (handle) =>
      handle.trigger('ALLOW_ALL').then(() => true),
    );
    if (!done) throw notFound('schedule');
    res.status(202).json({ schedule_id: row.id, triggered: true });
  });

  // The plans its runs made stay; only the schedule and its run records go.
  router.delete('/v1/schedules/:id', async (req, res) => {
    const row = await scheduleOf(res, req.params.id);
    await onSchedule(deps.temporal, row, (handle) => handle.delete());
    await deleteSchedule(deps.db, row.tenant_id, row.id);
    res.status(204).end();
  });

  return router;
}
