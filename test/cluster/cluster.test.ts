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

/** Plans in the load; enough that the kill lands while many are in flight. */
const PLANS = Number(process.env.ERRAND_CLUSTER_PLANS ?? 120);

let h: Harness;
let api: ErrandProcess;
let apiUrl: string;
let env: Record<string, string>;
const workers: ErrandProcess[] = [];

beforeAll(async () => {
  h = await startHarness({ worker: false });
  const port = await freePort();
  env = {
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: h.taskQueue,
    ERRAND_DEFAULT_TENANT: h.tenant.id,
    ERRAND_KEY_PEPPER: TEST_PEPPER,
    ERRAND_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    ERRAND_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    PORT: String(port),
  };
  apiUrl = `http://127.0.0.1:${port}`;
  // Separately started processes, as a deployment runs them: one API, two workers.
  api = startErrandProcess('src/api/server.ts', env);
  workers.push(startErrandProcess('src/worker.ts', env), startErrandProcess('src/worker.ts', env));
  await eventually(async () => {
    const res = await fetch(`${apiUrl}/readyz`).catch(() => undefined);
    return res?.status === 200 ? true : undefined;
  }, 60_000);
}, 180_000);

afterAll(async () => {
  await api?.kill();
  for (const worker of workers) await worker.kill();
  await h?.close();
});

function plan(i: number) {
  const day = String(1 + Math.floor(i / 8)).padStart(2, '0');
  const hour = String(9 + (i % 8)).padStart(2, '0');
  return {
    intent: `cluster plan ${i}`,
    actions: [
      {
        type: 'book_meeting',
        params: {
          title: `Cluster ${i}`,
          time: `2037-0${1 + Math.floor(i / 224)}-${day}T${hour}:00:00`,
          attendees: [`c${i}@example.com`],
        },
      },
      { type: 'send_email', use_result_from: 0, params: {} },
      { type: 'send_sms', params: { to: ['+14155550123'], message: `plan ${i}` } },
    ],
  };
}

async function submit(i: number): Promise<string> {
  const res = await fetch(`${apiUrl}/v1/plans`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await h.keyFor('admin')}`,
    },
    body: JSON.stringify(plan(i)),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { plan_id: string }).plan_id;
}

async function completedCount(): Promise<number> {
  const row = await h.db
    .selectFrom('action_plans')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', h.tenant.id)
    .where('status', '=', 'completed')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The identities of the workers that ran each step of a plan's workflow, from its history. */
async function stepRunners(
  workflowId: string,
): Promise<{ identities: string[]; closedAt: number }> {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const identities: string[] = [];
  let closedAt = 0;
  for (const event of history.events ?? []) {
    const started = event.activityTaskStartedEventAttributes;
    if (started?.identity) identities.push(started.identity);
    if (event.workflowExecutionCompletedEventAttributes) {
      closedAt = Number(event.eventTime?.seconds ?? 0) * 1000;
    }
  }
  return { identities, closedAt };
}

describe('Errand on a Temporal cluster on Postgres', () => {
  it('spreads a load across two workers; after kill -9 of one, every plan completes exactly once', async () => {
    const [first, second] = workers as [ErrandProcess, ErrandProcess];
    const identityOf = (worker: ErrandProcess) => `${worker.child.pid}@`;
    const ids: string[] = [];
    // Ten submissions at a time, as clients would send them.
    for (let i = 0; i < PLANS; i += 10) {
      ids.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(10, PLANS - i) }, (_, k) => submit(i + k)),
        )),
      );
      if (i === 40) expect(first.alive(), first.output()).toBe(true);
    }
    // Kill one worker while most of the load is still to run.
    await eventually(
      async () => ((await completedCount()) >= PLANS / 5 ? true : undefined),
      120_000,
      20,
    );
    const doneAtKill = await completedCount();
    await first.kill();
    const killedAt = Date.now();
    expect(doneAtKill).toBeLessThan(PLANS);

    await eventually(
      async () => ((await completedCount()) === PLANS ? true : undefined),
      240_000,
      200,
    );

    const rows = await sql<{
      workflow_id: string;
      status: string;
      bookings: number;
      messages: string;
      completions: number;
    }>`
      select p.workflow_id, p.status,
        (select count(*)::int from calendar_events e where e.plan_id = p.id) as bookings,
        (select string_agg(o.channel || ':' || o.step_index, ',' order by o.step_index) from outbox o where o.plan_id = p.id) as messages,
        (select count(*)::int from plan_events v where v.plan_id = p.id and v.kind = 'plan_completed') as completions
      from action_plans p where p.tenant_id = ${h.tenant.id}
    `.execute(h.db);
    expect(rows.rows).toHaveLength(PLANS);
    expect(new Set(rows.rows.map((r) => r.workflow_id)).size).toBe(ids.length);
    for (const row of rows.rows) {
      // Exactly once: one booking, one message per delivery step, one completion.
      expect(row).toMatchObject({
        status: 'completed',
        bookings: 1,
        messages: 'email:1,sms:2',
        completions: 1,
      });
    }

    const runners = await Promise.all(rows.rows.map((r) => stepRunners(r.workflow_id)));
    const ranOn = (worker: ErrandProcess) =>
      runners.filter((r) => r.identities.some((id) => id.startsWith(identityOf(worker))));
    // The load was spread: each worker ran steps of many plans.
    expect(ranOn(first).length).toBeGreaterThan(PLANS / 10);
    expect(ranOn(second).length).toBeGreaterThan(PLANS / 10);
    // The kill landed mid-load: plans the killed worker had begun were finished by the other.
    const handedOver = ranOn(first).filter(
      (r) =>
        r.closedAt >= killedAt - 1000 &&
        r.identities.some((id) => id.startsWith(identityOf(second))),
    );
    console.log(
      `cluster: ${PLANS} plans; ${doneAtKill} done when worker ${first.child.pid} was killed; ` +
        `steps on the killed worker in ${ranOn(first).length} plans, on the survivor in ${ranOn(second).length}; ` +
        `${handedOver.length} plans begun by the killed worker finished by the survivor`,
    );
    expect(handedOver.length).toBeGreaterThan(0);
    expect(second.alive(), second.output()).toBe(true);
    expect(api.alive(), api.output()).toBe(true);
  }, 420_000);
});
