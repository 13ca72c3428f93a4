import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../support/global-setup';
import { startErrandProcess, type ErrandProcess } from '../support/errand-process';
import {
  eventually,
  startHarness,
  type Harness,
  TEST_ENCRYPTION_KEYS,
  TEST_PEPPER,
} from '../support/harness';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

const PLANS = 50;
const OUTAGE_MS = 30_000;

let h: Harness;
let proxy: TcpProxy;
let api: ErrandProcess;
let worker: ErrandProcess;
let apiUrl: string;
const appName = `errand-fault-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  h = await startHarness({ worker: false });
  const direct = new URL(inject('databaseUrl'));
  proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  // Errand reaches Postgres only through the proxy; the test's own pool does not.
  const viaProxy = new URL(direct);
  viaProxy.port = String(proxy.port);
  viaProxy.searchParams.set('application_name', appName);
  const port = await freePort();
  const env = {
    DATABASE_URL: viaProxy.toString(),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: h.taskQueue,
    ERRAND_DEFAULT_TENANT: h.tenant.id,
    ERRAND_KEY_PEPPER: TEST_PEPPER,
    ERRAND_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    ERRAND_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    DATABASE_POOL_SIZE: '10',
    // Its plans all start at once; leave other files' plans to their own reconcilers.
    ERRAND_RECONCILE_INTERVAL_MS: '3600000',
    PORT: String(port),
  };
  apiUrl = `http://127.0.0.1:${port}`;
  worker = startErrandProcess('src/worker.ts', env);
  api = startErrandProcess('src/api/server.ts', env);
  await eventually(async () => ((await health()).status === 200 ? true : undefined), 60_000);
}, 120_000);

afterAll(async () => {
  await api?.kill();
  await worker?.kill();
  await proxy?.close();
  await h?.close();
});

async function health(): Promise<{ status: number; body: { database?: string } }> {
  try {
    const res = await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: (await res.json()) as { database?: string } };
  } catch {
    return { status: 0, body: {} };
  }
}

/** Ends every Postgres session Errand's processes hold, as a restart or an operator would. */
async function terminateErrandBackends(): Promise<number> {
  const { rows } = await sql<{ pid: number }>`
    select pg_terminate_backend(pid) as pid from pg_stat_activity where application_name = ${appName}
  `.execute(h.db);
  return rows.length;
}

function plan(i: number, remindAt: string) {
  const day = String(1 + Math.floor(i / 8)).padStart(2, '0');
  const hour = String(9 + (i % 8)).padStart(2, '0');
  return {
    intent: `fault plan ${i}`,
    actions: [
      {
        type: 'book_meeting',
        params: {
          title: `Fault ${i}`,
          time: `2036-06-${day}T${hour}:00:00`,
          attendees: [`p${i}@example.com`],
        },
      },
      { type: 'send_email', use_result_from: 0, params: {} },
      { type: 'send_sms', params: { to: ['+14155550123'], message: `plan ${i}` } },
      { type: 'schedule_reminder', params: { at: remindAt, message: `remind ${i}` } },
    ],
  };
}

describe('Postgres faults', () => {
  it('keeps Errand up through terminated backends and a 30 s outage: every plan completes, every side effect once', async () => {
    // Reminders fall due in the middle of the outage, so their deliveries meet it too.
    const remindAt = new Date(Date.now() + 12_000).toISOString();
    const submitted = await Promise.all(
      Array.from({ length: PLANS }, async (_, i) => {
        const res = await fetch(`${apiUrl}/v1/plans`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${await h.keyFor('admin')}`,
          },
          body: JSON.stringify(plan(i, remindAt)),
        });
        expect(res.status).toBe(201);
        return ((await res.json()) as { plan_id: string }).plan_id;
      }),
    );

    expect(await terminateErrandBackends()).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    await terminateErrandBackends();
    await new Promise((r) => setTimeout(r, 500));
    expect(worker.alive(), worker.output()).toBe(true);
    expect(api.alive(), api.output()).toBe(true);

    await proxy.cut();
    const downSince = Date.now();
    const whileDown = await eventually(async () => {
      const res = await health();
      return res.status === 503 ? res : undefined;
    }, 15_000);
    expect(whileDown.body.database).toBe('down');
    const refused = await fetch(`${apiUrl}/v1/plans`, {
      headers: { authorization: `Bearer ${await h.keyFor('admin')}` },
    });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'database_unavailable',
    );
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downSince))));
    expect(worker.alive(), worker.output()).toBe(true);
    expect(api.alive(), api.output()).toBe(true);
    await proxy.restore();

    await eventually(async () => ((await health()).status === 200 ? true : undefined), 30_000);
    const statuses = await eventually(async () => {
      const rows = await h.db
        .selectFrom('action_plans')
        .select(['status'])
        .where('tenant_id', '=', h.tenant.id)
        .execute();
      return rows.length === PLANS && rows.every((r) => r.status === 'completed')
        ? rows
        : undefined;
    }, 150_000);
    expect(statuses).toHaveLength(PLANS);
    const fired = await eventually(async () => {
      const rows = await h.db
        .selectFrom('reminders')
        .select(['status'])
        .where('tenant_id', '=', h.tenant.id)
        .execute();
      return rows.length === PLANS && rows.every((r) => r.status === 'fired') ? rows : undefined;
    }, 150_000);
    expect(fired).toHaveLength(PLANS);

    const perPlan = await sql<{ plan_id: string; bookings: number; messages: string }>`
      select p.id as plan_id,
        (select count(*)::int from calendar_events e where e.plan_id = p.id) as bookings,
        (select string_agg(o.channel, ',' order by o.channel) from outbox o where o.plan_id = p.id) as messages
      from action_plans p where p.tenant_id = ${h.tenant.id}
    `.execute(h.db);
    expect(perPlan.rows.map((r) => r.plan_id).sort()).toEqual([...submitted].sort());
    for (const row of perPlan.rows) {
      expect(row).toMatchObject({ bookings: 1, messages: 'email,notification,sms' });
    }
    expect(worker.alive(), worker.output()).toBe(true);
    expect(api.alive(), api.output()).toBe(true);
  }, 300_000);
});
