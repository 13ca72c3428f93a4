import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { badRequest, HttpError } from '../api/http-error';
import { idempotencyKeyReused } from '../api/idempotency-key';
import type { PlanService } from '../api/plan-service';
import type { Submitter } from '../api/plan-visibility';
import { requestHash } from '../api/request-hash';
import type { Database, ScheduleRow } from '../db/database';
import { CannotPlanError, type Planner } from '../planner/planner';
import type { Tenant } from '../tenants/tenants-repository';
import type { ScheduleBody, ScheduleIntent } from './schedule-request';
import { parseSchedule, ScheduleSyntaxError, type ScheduleTiming } from './schedule-spec';
import {
  countSchedules,
  CREATING,
  deleteSchedule,
  findScheduleByIdempotencyKey,
  insertSchedule,
  setScheduleStatus,
} from './schedules-repository';
import { createTemporalSchedule, scheduleOptionsOf } from './temporal-schedule';

/** Each schedule is a Temporal Schedule and a plan per run: a tenant keeps at most this many. */
export const MAX_SCHEDULES_PER_TENANT = 50;

export interface ScheduleServiceDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  plans: PlanService;
  planner: Planner;
  now: () => Date;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Creates schedules without half-written state: the row is written `creating`,
 * then the Temporal Schedule of the same id, then the row is `active`. A failed
 * create removes the row; a create repeated with the same Idempotency-Key answers
 * the same schedule (and finishes one whose first attempt died midway).
 */
export function createScheduleService(deps: ScheduleServiceDeps) {
  const finish = async (row: ScheduleRow): Promise<ScheduleRow> => {
    await createTemporalSchedule(deps.temporal, scheduleOptionsOf(row, deps.taskQueue));
    await setScheduleStatus(deps.db, row.id, 'active');
    return { ...row, status: 'active' };
  };
  const repeat = async (tenantId: string, key: string, hash: string) => {
    const existing = await findScheduleByIdempotencyKey(deps.db, tenantId, key);
    if (existing && existing.request_hash !== hash) throw idempotencyKeyReused();
    return existing && (existing.status === CREATING ? finish(existing) : existing);
  };

  return {
    async create(
      tenant: Tenant,
      body: ScheduleBody,
      call: { submitter: Submitter; idempotencyKey?: string },
    ): Promise<{ row: ScheduleRow; created: boolean }> {
      const hash = requestHash(body);
      const key = call.idempotencyKey;
      if (key) {
        const existing = await repeat(tenant.id, key, hash);
        if (existing) return { row: existing, created: false };
      }
      const plan = body.plan && deps.plans.validate(tenant, body.plan);
      const timezone = body.timezone ?? plan?.timezone ?? tenant.timezone;
      const timing = timingOf(body.schedule, timezone);
      const intent: ScheduleIntent | undefined = body.intent
        ? { text: body.intent, timezone, ...(body.user_id && { user_id: body.user_id }) }
        : undefined;
      if (intent) await checkPlannable(deps, tenant, intent);
      if ((await countSchedules(deps.db, tenant.id)) >= MAX_SCHEDULES_PER_TENANT) {
        throw new HttpError(
          409,
          'too_many_schedules',
          `a tenant keeps at most ${MAX_SCHEDULES_PER_TENANT} schedules; delete one first`,
        );
      }
      let row: ScheduleRow;
      try {
        row = await insertSchedule(deps.db, {
          id: randomUUID(),
          tenant_id: tenant.id,
          plan: plan ? JSON.stringify(plan) : null,
          intent: intent ? JSON.stringify(intent) : null,
          schedule: body.schedule.trim(),
          timing: JSON.stringify(timing),
          timezone,
          start_at: body.start_at ?? null,
          end_at: body.end_at ?? null,
          overlap: body.overlap,
          status: CREATING,
          created_by: JSON.stringify(call.submitter),
          idempotency_key: key ?? null,
          request_hash: hash,
        });
      } catch (err) {
        // A concurrent request with the same key wrote first: this is its repeat.
        const existing =
          key && (err as { code?: string }).code === UNIQUE_VIOLATION
            ? await repeat(tenant.id, key, hash)
            : undefined;
        if (!existing) throw err;
        return { row: existing, created: false };
      }
      try {
        return { row: await finish(row), created: true };
      } catch (err) {
        await deleteSchedule(deps.db, tenant.id, row.id);
        throw err;
      }
    },
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;

function timingOf(text: string, timezone: string): ScheduleTiming {
  try {
    return parseSchedule(text, timezone);
  } catch (err) {
    if (!(err instanceof ScheduleSyntaxError)) throw err;
    throw badRequest([{ path: 'schedule', message: err.message }], 'the schedule is invalid');
  }
}

/** Refuses, as POST /v1/intents would, an intent the planner cannot turn into a plan. */
async function checkPlannable(deps: ScheduleServiceDeps, tenant: Tenant, intent: ScheduleIntent) {
  try {
    await deps.planner.plan(intent.text, {
      now: deps.now(),
      timezone: intent.timezone,
      tenant: { id: tenant.id, name: tenant.name, timezone: tenant.timezone },
    });
  } catch (err) {
    if (!(err instanceof CannotPlanError)) throw err;
    throw new HttpError(422, 'cannot_plan', err.message, [
      { path: 'intent', message: `${err.reason}: ${err.message}` },
      ...err.details,
    ]);
  }
}
