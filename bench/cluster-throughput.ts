/**
 * Cluster throughput: plans a second with one Errand worker and with two, on a
 * Temporal cluster on Postgres (test/cluster/cluster-environment.ts).
 *
 * Each round submits N plans (book, email, SMS) through the API while no worker
 * runs, so the plans wait in the task queue; then starts the round's workers.
 * Throughput is N over the span from the first plan's start to the last plan's
 * end, as Postgres stamped them, so process start-up is not counted. Rounds
 * alternate 1, 2, 1, 2 workers on the same cluster; the figure is the ratio of
 * two-worker to one-worker throughput in each pair (the baseline is the
 * one-worker round next to it, in the same run).
 *
 *   npm run test:cluster            (runs this after the cluster test)
 *   tsx bench/cluster-throughput.ts [--plans 150] [--pairs 2] [--worker-pool 20]
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createApiKey } from '../src/auth/api-keys-repository';
import { createDb } from '../src/db/create-db';
import { freePort } from '../src/net/free-port';
import { HARD_LIMITS } from '../src/tenants/tenant-limits';
import { ensureTenant } from '../src/tenants/tenants-repository';
import { startClusterEnvironment } from '../test/cluster/cluster-environment';
import { startErrandProcess, type ErrandProcess } from '../test/support/errand-process';

const { values } = parseArgs({
  options: {
    plans: { type: 'string', default: '150' },
    pairs: { type: 'string', default: '2' },
    // Each worker's Postgres pool, which also caps the activities it runs at once.
    'worker-pool': { type: 'string', default: '20' },
  },
});
const PLANS = Number(values.plans);
const PAIRS = Number(values.pairs);
const WORKER_POOL = Number(values['worker-pool']);
const PEPPER = 'bench-pepper-bench-pepper-bench-pepper-01';

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main() {
  const environment = await startClusterEnvironment();
  const db = createDb({ url: environment.databaseUrl });
  // The bench measures workers, not quotas: its bursts of submissions must not wait for room.
  const tenant = await ensureTenant(db, {
    id: `bench-${randomUUID().slice(0, 8)}`,
    settings: {
      limits: {
        actions_per_minute: HARD_LIMITS.actions_per_minute,
        actions_per_hour: HARD_LIMITS.actions_per_hour,
      },
    },
  });
  const { key } = await createApiKey(db, PEPPER, { tenant: tenant.id, role: 'admin' });
  const port = await freePort();
  const env = {
    DATABASE_URL: environment.databaseUrl,
    TEMPORAL_ADDRESS: environment.temporalAddress,
    TEMPORAL_TASK_QUEUE: `bench-${randomUUID()}`,
    ERRAND_DEFAULT_TENANT: tenant.id,
    ERRAND_KEY_PEPPER: PEPPER,
    ERRAND_KEY_REQUESTS_PER_MINUTE: '0',
    ERRAND_WORKFLOW_BUNDLE: environment.workflowBundlePath,
    PORT: String(port),
  };
  const api = startErrandProcess('src/api/server.ts', env);
  const apiUrl = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    const res = await fetch(`${apiUrl}/readyz`).catch(() => undefined);
    return res?.status === 200 ? true : undefined;
  }, 60_000);

  let slot = 0;
  const submit = async (round: number, i: number): Promise<string> => {
    const n = slot++;
    const day = String(1 + (Math.floor(n / 8) % 28)).padStart(2, '0');
    const month = String(1 + Math.floor(n / 224)).padStart(2, '0');
    const res = await fetch(`${apiUrl}/v1/plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        intent: `bench round ${round} plan ${i}`,
        actions: [
          {
            type: 'book_meeting',
            params: {
              title: `Bench ${n}`,
              time: `${2040 + Math.floor(n / 2688)}-${month}-${day}T${String(9 + (n % 8)).padStart(2, '0')}:00:00`,
              attendees: [`b${n}@example.com`],
            },
          },
          { type: 'send_email', use_result_from: 0, params: {} },
          { type: 'send_sms', params: { to: ['+14155550123'], message: `plan ${n}` } },
        ],
      }),
    });
    if (res.status !== 201)
      throw new Error(`submission answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { plan_id: string }).plan_id;
  };

  const rounds: { workers: number; plans: number; seconds: number; plans_per_second: number }[] =
    [];
  try {
    for (const workers of Array.from({ length: PAIRS }, () => [1, 2]).flat()) {
      const round = rounds.length;
      const ids: string[] = [];
      for (let i = 0; i < PLANS; i += 10) {
        ids.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(10, PLANS - i) }, (_, k) => submit(round, i + k)),
          )),
        );
      }
      const running: ErrandProcess[] = Array.from({ length: workers }, () =>
        startErrandProcess('src/worker.ts', { ...env, DATABASE_POOL_SIZE: String(WORKER_POOL) }),
      );
      const span = await waitFor(async () => {
        const row = await db
          .selectFrom('action_plans')
          .select((eb) => [
            eb.fn.countAll<string>().as('n'),
            eb.fn.min('started_at').as('first'),
            eb.fn.max('completed_at').as('last'),
          ])
          .where('id', 'in', ids)
          .where('status', '=', 'completed')
          .executeTakeFirstOrThrow();
        return Number(row.n) === ids.length && row.first && row.last
          ? (new Date(row.last).getTime() - new Date(row.first).getTime()) / 1000
          : undefined;
      }, 600_000);
      for (const worker of running) await worker.kill();
      rounds.push({ workers, plans: PLANS, seconds: span, plans_per_second: PLANS / span });
      console.log(
        `round ${round + 1}: ${workers} worker(s), ${PLANS} plans in ${span.toFixed(2)} s, ${(PLANS / span).toFixed(1)} plans/s`,
      );
    }
  } finally {
    await api.kill();
    await db.destroy();
    await environment.close();
  }

  const ratios = Array.from(
    { length: PAIRS },
    (_, p) => rounds[2 * p + 1]!.plans_per_second / rounds[2 * p]!.plans_per_second,
  );
  const result = {
    bench: 'cluster-throughput',
    at: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      memory_gb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    worker_pool: WORKER_POOL,
    database: process.env.ERRAND_TEST_DATABASE_URL ? 'external' : 'embedded',
    rounds,
    two_over_one: ratios,
  };
  const file = new URL(
    `./results/cluster-throughput-${result.at.replace(/[:.]/g, '-')}.json`,
    import.meta.url,
  );
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(
    `two workers ÷ one worker, per pair: ${ratios.map((r) => r.toFixed(2)).join(', ')} (${file.pathname})`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
