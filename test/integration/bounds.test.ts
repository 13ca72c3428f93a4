import { randomUUID } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendarActivities } from '../../src/activities/calendar-activities';
import { createActivityDeps, type ActivityDeps } from '../../src/activities/deps';
import { InvalidStepError, NoAvailabilityError } from '../../src/activities/errors';
import { overlapQuery, overlappingEvents } from '../../src/db/calendar-repository';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const errorAt = (path: string, message: RegExp = /.+/) =>
  expect.objectContaining({
    error: expect.objectContaining({
      details: expect.arrayContaining([{ path, message: expect.stringMatching(message) }]),
    }),
  });

const submit = (actions: unknown[], extra: Record<string, unknown> = {}) =>
  h.api('POST', '/v1/plans', { intent: 'bounds', ...extra, actions });

describe('plans outside the bounds are refused with a 400 naming the field', () => {
  it('an availability search from 2026 to 9999 for a whole day', async () => {
    const res = await submit([
      {
        type: 'check_availability',
        params: { from: '2026-01-05', to: '9999-12-31', duration_minutes: 1440 },
      },
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorAt('actions[0].params.to', /1970 to 2200/));
  });

  it('a duration no stretch of the working day can hold', async () => {
    const res = await submit([
      {
        type: 'check_availability',
        params: { from: '2026-01-05', to: '2026-01-30', duration_minutes: 300 },
      },
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorAt('actions[0].params.duration_minutes', /300-minute meeting never fits.*240 minutes/),
    );
  });

  it('a booking in year 9999', async () => {
    const res = await submit([
      { type: 'book_meeting', params: { title: 'x', time: '9999-01-01T10:00:00', attendees: [] } },
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorAt('actions[0].params.time', /1970 to 2200/));
  });

  it('a context nested too deep', async () => {
    let context: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10; i++) context = { next: context };
    const res = await submit([{ type: 'start_campaign', params: { campaign: 'c' } }], { context });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorAt('context', /nested more than 8 levels deep/));
  });

  it('a string holding U+0000, anywhere in the body', async () => {
    const res = await submit([
      { type: 'send_sms', params: { to: ['+14155550123'], message: 'hi\u0000there' } },
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorAt('actions[0].params.message', /U\+0000/));
    expect((await h.api('GET', '/v1/plans')).body.data).toEqual([]);
  });

  it('a lone surrogate, sent as a JSON escape', async () => {
    const res = await h.api('POST', '/v1/plans', '{"intent":"x\\ud800","actions":[]}');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorAt('intent', /lone UTF-16 surrogate/));
  });

  it('a calendar query in year 9999', async () => {
    const res = await h.api('GET', '/v1/calendar/events?from=9999-01-01T00:00:00Z');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorAt('from', /1970 to 2200/));
  });
});

describe('intents outside the bounds', () => {
  async function decision(id: string | null) {
    const all = (await h.api('GET', '/v1/decisions?limit=200')).body.data as { id: string }[];
    return all.find((d) => d.id === id);
  }

  it.each([
    [
      'a campaign name too long',
      `start the ${'x'.repeat(250)} campaign`,
      'actions[0].params.campaign',
    ],
    [
      'an email subject too long',
      `email bob@x.com with subject ${'y'.repeat(400)}`,
      'actions[0].params.subject',
    ],
  ])('%s: 422 cannot_plan naming the field, with a decision row', async (_name, text, path) => {
    const res = await h.api('POST', '/v1/intents', { text, dry_run: true });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('cannot_plan');
    expect(res.body).toEqual(errorAt(path));
    expect(await decision(res.headers.get('x-errand-decision'))).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringMatching(/^invalid_parameters/),
    });
  });

  it('a sentence of more words than the planner reads: 422 too_long, with a decision row', async () => {
    const res = await h.api('POST', '/v1/intents', { text: 'a '.repeat(300) });
    expect(res.status).toBe(422);
    expect(res.body).toEqual(errorAt('text', /too_long: .*300 words/));
    expect(await decision(res.headers.get('x-errand-decision'))).toMatchObject({
      outcome: 'rejected',
    });
  });

  it('a 2,000-word sentence is refused, naming text', async () => {
    const res = await h.api('POST', '/v1/intents', { text: 'word '.repeat(2000) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorAt('text', /2000/));
  });

  it('a context too large, naming context', async () => {
    const res = await h.api('POST', '/v1/intents', {
      text: 'text +14155550123 hi',
      dry_run: true,
      context: { notes: 'n'.repeat(20_000) },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorAt('context', /bytes of JSON; at most 16384/));
  });
});

describe('the worker bounds check_availability whatever reaches it', () => {
  const activities = () => {
    const deps: ActivityDeps = createActivityDeps({
      db: h.db,
      temporal: h.client,
      outbound: { post: () => Promise.reject(new Error('no network in this test')) },
      meetingLinkBase: 'https://meet.example.com/',
      now: () => new Date('2026-01-01T00:00:00Z'),
      reminderGraceMs: 0,
    });
    return createCalendarActivities(deps);
  };
  const input = (params: Record<string, unknown>) => ({
    tenant_id: h.tenant.id,
    plan_id: randomUUID(),
    workflow_id: `wf-${randomUUID()}`,
    step: 0,
    timezone: 'UTC',
    params: { duration_minutes: 30, ...params } as never,
  });

  it('refuses a window of years as a non-retryable InvalidStepError', async () => {
    const error = await activities()
      .check_availability(input({ from: '2026-01-05', to: '9999-12-31', duration_minutes: 1440 }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidStepError);
    expect((error as Error).message).toMatch(/longer than 90 days/);
  });

  it('refuses a window that ends before it starts', async () => {
    const error = await activities()
      .check_availability(input({ from: '2026-01-06T10:00:00', to: '2026-01-06T09:00:00' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidStepError);
  });

  it('fails a duration that never fits at once with NoAvailabilityError', async () => {
    const error = await activities()
      .check_availability(input({ from: '2026-01-05', to: '2026-03-30', duration_minutes: 1440 }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoAvailabilityError);
    expect((error as Error).message).toMatch(/1440-minute meeting never fits/);
  });
});

describe('overlap checks', () => {
  const HOUR = 3600_000;
  const base = Date.parse('2027-06-07T00:00:00Z');

  beforeAll(async () => {
    // Years of past meetings: what the old `start_at < to` query walked on every check.
    const rows = Array.from({ length: 5000 }, (_, i) => {
      const id = randomUUID();
      return {
        id,
        tenant_id: h.tenant.id,
        title: `past ${i}`,
        start_at: new Date(base - (i + 1) * 2 * HOUR),
        end_at: new Date(base - (i + 1) * 2 * HOUR + HOUR),
        attendees: [],
        status: 'confirmed',
        join_link: `https://meet.example.com/${id}`,
        idempotency_key: `seed-${id}`,
        updated_at: new Date(),
      };
    });
    for (let i = 0; i < rows.length; i += 1000) {
      await h.db
        .insertInto('calendar_events')
        .values(rows.slice(i, i + 1000))
        .execute();
    }
    await h.db.executeQuery(CompiledQuery.raw('analyze calendar_events'));
  });

  it('finds exactly the meetings overlapping a window, not those touching it', async () => {
    const from = new Date(base - 4 * HOUR);
    const to = new Date(base - 3 * HOUR);
    const found = await overlappingEvents(h.db, h.tenant.id, from, to);
    expect(found.map((e) => e.title)).toEqual(['past 1']);
    const touching = await overlappingEvents(
      h.db,
      h.tenant.id,
      new Date(base - 3 * HOUR),
      new Date(base - 2 * HOUR),
    );
    expect(touching).toEqual([]);
  });

  it('is served by the exclusion constraint gist index, not a scan', async () => {
    const compiled = overlapQuery(
      h.db,
      h.tenant.id,
      new Date(base + HOUR),
      new Date(base + 2 * HOUR),
    ).compile();
    const { rows } = await h.db.executeQuery<{ 'QUERY PLAN': unknown }>(
      CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]),
    );
    const plan = JSON.stringify(rows[0]!['QUERY PLAN']);
    expect(plan).toContain('calendar_events_no_overlap');
    expect(plan).not.toContain('Seq Scan');
  });
});

describe('list filters', () => {
  it('have indexes that lead with the tenant and the filtered column, newest first', async () => {
    const { rows } = await h.db.executeQuery<{ indexname: string; indexdef: string }>(
      CompiledQuery.raw(
        `select indexname, indexdef from pg_indexes where tablename in ('outbox', 'decisions', 'reminders')`,
      ),
    );
    const def = (name: string) => rows.find((r) => r.indexname === name)?.indexdef;
    for (const [name, column] of [
      ['outbox_by_tenant_channel', 'channel'],
      ['outbox_by_tenant_plan', 'plan_id'],
      ['decisions_by_tenant_outcome', 'outcome'],
      ['decisions_by_tenant_planner', 'planner'],
      ['decisions_by_tenant_source', 'source'],
    ]) {
      expect(def(name!), name).toContain(`(tenant_id, ${column}, created_at DESC, id DESC)`);
    }
    expect(def('reminders_by_tenant_fire_at')).toContain('(tenant_id, fire_at, id)');
  });
});
