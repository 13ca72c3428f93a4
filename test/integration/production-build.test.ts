import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys-repository';
import { createDb } from '../../src/db/create-db';
import { ensureTenant } from '../../src/tenants/tenants-repository';
import { freePort } from '../support/global-setup';
import { TEST_ENCRYPTION_KEYS, TEST_PEPPER } from '../support/harness';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Inside the project (and ignored by git), so the compiled files resolve node_modules as in the image.
const outdir = `.errand/build-test-${randomUUID().slice(0, 8)}`;

interface Started {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** One compiled entry point under plain node: no tsx loader, no TypeScript. */
function run(entry: string, env: Record<string, string>): Started {
  const child = spawn(process.execPath, [`${outdir}/${entry}.js`], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exit };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('npm run build: Errand as compiled JavaScript under plain node', () => {
  const tenant = `build-${randomUUID().slice(0, 8)}`;
  const taskQueue = `build-${randomUUID()}`;
  let api: Started;
  let worker: Started;
  let base: string;
  let key: string;
  let workerMetrics: string;
  const metricsToken = 'metrics-token-for-tests-metrics-token-01';

  beforeAll(async () => {
    await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/build.ts', '--outdir', outdir],
      {
        cwd: root,
      },
    );
    const db = createDb({ url: inject('databaseUrl') });
    await ensureTenant(db, { id: tenant });
    key = (await createApiKey(db, TEST_PEPPER, { tenant, role: 'admin' })).key;
    await db.destroy();
    const port = await freePort();
    const workerMetricsPort = await freePort();
    workerMetrics = `http://127.0.0.1:${workerMetricsPort}/metrics`;
    const env = {
      ERRAND_METRICS_TOKEN: metricsToken,
      NODE_ENV: 'production',
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      ERRAND_KEY_PEPPER: TEST_PEPPER,
      ERRAND_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
      ERRAND_SHUTDOWN_GRACE_MS: '3000',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
    };
    worker = run('worker', { ...env, ERRAND_WORKER_METRICS_PORT: String(workerMetricsPort) });
    api = run('server', env);
    base = `http://127.0.0.1:${port}`;
    await until('the API to listen', async () =>
      api.output().includes('Errand API on') ? true : undefined,
    );
  }, 90_000);

  afterAll(async () => {
    api?.child.kill('SIGKILL');
    worker?.child.kill('SIGKILL');
    rmSync(`${root}/${outdir}`, { recursive: true, force: true });
  });

  it('answers /healthz (alive) and /readyz (Postgres and Temporal reachable)', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', draining: false });
    const ready = await fetch(`${base}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ok', database: 'ok', temporal: 'ok' });
    expect(ready.status).toBe(200);
  });

  it('runs a plan to completion on the prebuilt workflow bundle and the compiled activities', async () => {
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const submitted = await fetch(`${base}/v1/plans`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        intent: 'tell ann the build works',
        actions: [
          {
            type: 'send_email',
            params: { to: ['ann@example.com'], subject: 'Build', body: 'It runs.' },
          },
        ],
      }),
    });
    expect(submitted.status).toBe(201);
    const { plan_id } = (await submitted.json()) as { plan_id: string };
    const plan = await until('the plan to complete', async () => {
      const res = await fetch(`${base}/v1/plans/${plan_id}`, { headers: auth });
      const body = (await res.json()) as { status: string; steps: { status: string }[] };
      return body.status === 'completed' ? body : undefined;
    });
    expect(plan.steps.map((s) => s.status)).toEqual(['succeeded']);
  });

  it("serves the worker's metrics on its own port: Errand's series and the Temporal SDK's", async () => {
    expect((await fetch(workerMetrics)).status).toBe(401);
    const text = await until('the step and the SDK series', async () => {
      const res = await fetch(workerMetrics, {
        headers: { authorization: `Bearer ${metricsToken}` },
      });
      const body = await res.text();
      return /errand_step_duration_seconds_count\{action="send_email",outcome="succeeded"\} [1-9]/.test(
        body,
      ) && /^temporal_\w+/m.test(body)
        ? body
        : undefined;
    });
    expect(text).toMatch(/^temporal_workflow_task_execution_latency_count\{/m);
    expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
    // The API's own, with the same token: its HTTP series.
    const api = await fetch(`${base}/metrics`, {
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    expect(await api.text()).toMatch(
      /errand_http_request_duration_seconds_count\{method="POST",route="\/v1\/plans",status="201"\}/,
    );
  });

  it('logs JSON lines in production', () => {
    const lines = api
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('level');
  });

  it('drains on SIGTERM: open streams end, both processes exit 0 within the grace time', async () => {
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    // A plan waiting for approval: its stream stays open until something ends it.
    const submitted = await fetch(`${base}/v1/plans`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        intent: 'tell bo later',
        require_approval: true,
        actions: [
          { type: 'send_email', params: { to: ['bo@example.com'], subject: 'S', body: 'B' } },
        ],
      }),
    });
    const { plan_id } = (await submitted.json()) as { plan_id: string };
    const stream = await fetch(`${base}/v1/plans/${plan_id}/stream`, { headers: auth });
    expect(stream.status).toBe(200);
    const began = Date.now();
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    const [apiExit, workerExit] = await Promise.all([api.exit, worker.exit]);
    expect({ api: apiExit, worker: workerExit }).toEqual({
      api: { code: 0, signal: null },
      worker: { code: 0, signal: null },
    });
    expect(Date.now() - began).toBeLessThan(10_000);
    await expect(stream.text()).resolves.toBeTypeOf('string');
  });
});
