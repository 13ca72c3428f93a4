import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { deeplyNested, hostileJson, hostileString, mutate } from '../support/hostile';

const RUNS = 5_000;

let h: Harness;
beforeAll(async () => {
  // No worker: plans that pass validation only start, so nothing writes in the background
  // while the test checks that refused requests wrote nothing.
  h = await startHarness({ worker: false });
});
afterAll(() => h?.close());

const validPlan = {
  intent: 'book a demo and email the link',
  timezone: 'Europe/Paris',
  actions: [
    {
      type: 'book_meeting',
      params: { title: 'Demo', time: '2031-03-04T15:00:00', attendees: ['john@example.com'] },
    },
    { type: 'send_email', use_result_from: 0, params: { template: 'meeting_invite' } },
    { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1h' } },
  ],
};
const validIntent = { text: 'text +14155550123 that I am running late', dry_run: true };
const validSettings = { timezone: 'UTC', working_hours: { start: '09:00', end: '17:00' } };

type Body = { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; type: string } | null;
interface Request {
  method: string;
  path: string;
  body: Body;
  headers: Record<string, string>;
}

const id = fc.oneof(
  fc.uuid(),
  hostileString.map((s) => encodeURIComponent(Buffer.from(s).toString()).slice(0, 300)),
  fc.constantFrom('..', '%00', 'null', '0', '-1', '%ZZ'),
);
const query = fc
  .dictionary(
    fc.oneof(
      fc.constantFrom('limit', 'cursor', 'status', 'channel', 'plan_id', 'outcome', 'from', 'to'),
      hostileString,
    ),
    fc.oneof(hostileString, fc.integer().map(String)),
    { maxKeys: 4 },
  )
  .map((q) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) params.append(k.slice(0, 200), v.slice(0, 2_000));
    const text = params.toString();
    return text ? `?${text}` : '';
  });
const jsonBody = (valid: unknown): fc.Arbitrary<Body> =>
  fc.oneof(
    hostileJson.map((value) => ({ kind: 'json' as const, value })),
    deeplyNested.map((text) => ({ kind: 'raw' as const, text, type: 'application/json' })),
    {
      // Mostly a valid request with one field made hostile, so validation deep inside is reached.
      weight: 4,
      arbitrary: fc
        .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), hostileJson)
        .map(([path, value]) => ({ kind: 'json' as const, value: mutate(valid, path, value) })),
    },
    fc
      .tuple(
        fc.oneof(
          hostileString,
          fc.constantFrom('{', '{"a":', '[1,2', '\u0000', '{"intent":"x"}{}', 'null'),
        ),
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/json; charset=latin1',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
        ),
      )
      .map(([text, type]) => ({ kind: 'raw' as const, text, type })),
  );
const headers = fc.record(
  {
    'idempotency-key': hostileString.map((s) => s.replace(/[^\x20-\x7e]/g, '').slice(0, 400)),
    'x-errand-user': hostileString.map((s) => s.replace(/[^\x20-\x7e]/g, '').slice(0, 400)),
  },
  { requiredKeys: [] },
);

const request: fc.Arbitrary<Request> = fc
  .tuple(
    fc.oneof(
      jsonBody(validPlan).map((body) => ({ method: 'POST', path: '/v1/plans', body })),
      jsonBody(validIntent).map((body) => ({ method: 'POST', path: '/v1/intents', body })),
      jsonBody(validSettings).map((body) => ({ method: 'PUT', path: '/v1/settings', body })),
      fc
        .tuple(id, fc.constantFrom('approve', 'reject'), jsonBody({ reason: 'ok' }))
        .map(([i, what, body]) => ({ method: 'POST', path: `/v1/plans/${i}/${what}`, body })),
      id.map((i) => ({ method: 'POST', path: `/v1/plans/${i}/cancel`, body: null })),
      fc
        .tuple(id, jsonBody({ time: '2031-03-04T16:00:00' }))
        .map(([i, body]) => ({ method: 'PATCH', path: `/v1/calendar/events/${i}`, body })),
      id.map((i) => ({ method: 'DELETE', path: `/v1/calendar/events/${i}`, body: null })),
      id.map((i) => ({ method: 'DELETE', path: `/v1/reminders/${i}`, body: null })),
      id.map((i) => ({ method: 'GET', path: `/v1/plans/${i}`, body: null })),
      fc
        .tuple(
          fc.constantFrom(
            '/v1/plans',
            '/v1/calendar/events',
            '/v1/outbox',
            '/v1/reminders',
            '/v1/decisions',
            '/v1/analytics',
            '/v1/settings',
            '/v1/actions',
            '/healthz',
          ),
          query,
        )
        .map(([path, q]) => ({ method: 'GET', path: `${path}${q}`, body: null })),
    ),
    headers,
  )
  .map(([r, hdrs]) => ({ ...r, headers: hdrs }) as Request);

async function send(r: Request): Promise<number> {
  const init: RequestInit = {
    method: r.method,
    headers: { authorization: `Bearer ${await h.keyFor('admin')}`, ...r.headers },
    signal: AbortSignal.timeout(30_000),
  };
  if (r.body?.kind === 'json') {
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
    init.body = JSON.stringify(r.body.value);
  } else if (r.body?.kind === 'raw') {
    (init.headers as Record<string, string>)['content-type'] = r.body.type;
    init.body = r.body.text;
  }
  const res = await fetch(`${h.baseUrl}${r.path}`, init);
  await res.arrayBuffer();
  return res.status;
}

async function footprint() {
  const t = h.tenant.id;
  const { rows } = await sql<Record<string, string>>`
    select
      (select count(*) from action_plans where tenant_id = ${t}) as plans,
      (select count(*) from plan_events where tenant_id = ${t}) as plan_events,
      (select count(*) from calendar_events where tenant_id = ${t}) as calendar_events,
      (select count(*) from calendar_changes where tenant_id = ${t}) as calendar_changes,
      (select count(*) from outbox where tenant_id = ${t}) as outbox,
      (select count(*) from reminders where tenant_id = ${t}) as reminders,
      (select count(*) from decisions where tenant_id = ${t}) as decisions,
      (select settings::text from tenants where id = ${t}) as settings
  `.execute(h.db);
  return rows[0];
}

describe('hostile requests', () => {
  it(`answers ${RUNS} malformed, oversized, deeply nested, mistyped and unicode-hostile requests with no 5xx, and writes nothing for a refused one`, async () => {
    const byStatus: Record<string, number> = {};
    // Every failure is kept, not only the first, so one run shows every class of defect.
    const failures: string[] = [];
    const show = (r: Request) =>
      `${r.method} ${r.path.slice(0, 120)} ${JSON.stringify(r.body)?.slice(0, 200)}`;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const before = await footprint();
        const status = await send(r);
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        if (status >= 500) failures.push(`${status}: ${show(r)}`);
        if (status >= 400) {
          const after = await footprint();
          // A refused intent is still logged as a decision, by design: the planner's refusal is audited.
          if (r.path === '/v1/intents' && status === 422) after.decisions = before.decisions;
          if (JSON.stringify(after) !== JSON.stringify(before)) {
            failures.push(`${status} wrote to the database: ${show(r)}`);
          }
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261202) },
    );
    console.log(`fuzz: ${RUNS} requests by status: ${JSON.stringify(byStatus)}`);
    expect(failures.slice(0, 30)).toEqual([]);
    expect((await h.api('GET', '/healthz')).status).toBe(200);
    expect((await h.api('GET', `/v1/plans/${randomUUID()}`)).status).toBe(404);
  }, 600_000);
});
