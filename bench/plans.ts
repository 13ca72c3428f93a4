/**
 * Plans: how long a three-step plan takes, and how many finish a second, next
 * to bare Temporal on the same server in the same run.
 *
 * Errand: `POST /v1/plans` of book_meeting, send_email (chained to it) and
 * send_sms, timed until the workflow's result. Baseline: a bare workflow of
 * three no-op activities on its own task queue of the same dev server (the
 * fast flags of the README), started and awaited by the same client. Latency:
 * N pairs one after another, Errand and bare interleaved. Accepting: N one-step
 * `POST /v1/plans` until 201 next to N bare `workflow.start`s, interleaved.
 * Throughput: C of each at once, in turn, twice.
 *
 *   npm run bench:plans [-- --count 100 --concurrent 300]
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { pino } from 'pino';
import pg from 'pg';
import { parseKeyRing, newKey } from '../src/crypto/key-ring';
import { errandDataConverter } from '../src/temporal/data-converter';
import { createActivities } from '../src/activities';
import { createActivityDeps } from '../src/activities/deps';
import { createApp } from '../src/api/app';
import { BUILT_IN_PEPPER } from '../src/auth/api-key';
import { createApiKey } from '../src/auth/api-keys-repository';
import { createDb } from '../src/db/create-db';
import { migrateToLatest } from '../src/db/migrate';
import { createOutboundHttp } from '../src/net/outbound-http';
import { WEBHOOK_MAX_RESPONSE_BYTES } from '../src/net/webhook-limits';
import { createRulesPlanner } from '../src/planner/rules-planner';
import { startDevServer, temporalCliPath } from '../src/temporal/dev-server';
import { HARD_LIMITS } from '../src/tenants/tenant-limits';
import { ensureTenant } from '../src/tenants/tenants-repository';
import { WORKFLOWS_PATH } from '../src/worker';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100' },
    concurrent: { type: 'string', default: '300' },
  },
});
const COUNT = Number(values.count);
const CONCURRENT = Number(values.concurrent);
const DATABASE_URL =
  process.env.ERRAND_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/errand_bench';

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  await recreate(DATABASE_URL);
  const db = createDb({ url: DATABASE_URL, maxConnections: 20 });
  await migrateToLatest(db);
  // The bench measures plans, not quotas.
  const tenant = await ensureTenant(db, {
    id: 'bench',
    timezone: 'UTC',
    settings: {
      limits: {
        actions_per_minute: HARD_LIMITS.actions_per_minute,
        actions_per_hour: HARD_LIMITS.actions_per_hour,
      },
    },
  });
  const { key } = await createApiKey(db, BUILT_IN_PEPPER, { tenant: tenant.id, role: 'submitter' });
  const server = await startDevServer({
    executable: temporalCliPath(),
    port: 17233 + Math.floor(Math.random() * 1000),
    uiPort: null,
  });
  // Errand as npm start runs it: every payload through the encryption codec.
  const dataConverter = errandDataConverter(parseKeyRing(`bench:${newKey()}`));
  const client = new Client({
    connection: await Connection.connect({ address: server.address }),
    dataConverter,
  });
  // Bare Temporal: the default data converter, no codec.
  const bareClient = new Client({ connection: client.connection });
  const native = await NativeConnection.connect({ address: server.address });
  const errandQueue = `bench-errand-${randomUUID()}`;
  const bareQueue = `bench-bare-${randomUUID()}`;
  const deps = createActivityDeps({
    db,
    temporal: client,
    outbound: createOutboundHttp({
      allowPrivateNetwork: false,
      timeoutMs: 10_000,
      maxResponseBytes: WEBHOOK_MAX_RESPONSE_BYTES,
    }),
    meetingLinkBase: 'https://meet.example.com/b/',
    reminderGraceMs: 60_000,
  });
  const errandWorker = await Worker.create({
    connection: native,
    taskQueue: errandQueue,
    activities: createActivities(deps),
    workflowsPath: WORKFLOWS_PATH,
    dataConverter,
    maxConcurrentActivityTaskExecutions: 20,
    maxConcurrentLocalActivityExecutions: 20,
  });
  const bareWorker = await Worker.create({
    connection: native,
    taskQueue: bareQueue,
    activities: { noop: async (step: number) => step },
    workflowsPath: fileURLToPath(new URL('./bare-plan-workflow.ts', import.meta.url)),
  });
  const running = Promise.all([errandWorker.run(), bareWorker.run()]);
  const app = createApp({
    db,
    temporal: client,
    calendar: deps.calendar,
    planner: createRulesPlanner(),
    taskQueue: errandQueue,
    logger: pino({ level: 'silent' }),
    databaseKind: 'external',
    bodyLimit: '64kb',
    webUiUrl: 'http://localhost:8233',
  });
  const http = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;

  let slot = 0;
  const errandPlan = async (): Promise<void> => {
    const n = slot++;
    // One hour-long slot each, so no booking clashes with another.
    const start = new Date(Date.UTC(2040, 0, 1) + n * 3_600_000).toISOString();
    const res = await fetch(`${base}/v1/plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        intent: `bench ${n}`,
        actions: [
          {
            type: 'book_meeting',
            params: { title: `Bench ${n}`, time: start, attendees: [`b${n}@example.com`] },
          },
          { type: 'send_email', use_result_from: 0, params: {} },
          { type: 'send_sms', params: { to: ['+14155550123'], message: `plan ${n}` } },
        ],
      }),
    });
    if (res.status !== 201) throw new Error(`submit failed: ${res.status} ${await res.text()}`);
    const { workflow_id } = (await res.json()) as { workflow_id: string };
    const state = (await client.workflow.getHandle(workflow_id).result()) as { status: string };
    if (state.status !== 'completed') throw new Error(`plan ${n} ended ${state.status}`);
  };
  const barePlan = async (): Promise<void> => {
    await bareClient.workflow.execute('barePlan', {
      taskQueue: bareQueue,
      workflowId: `bare-${randomUUID()}`,
    });
  };
  const timed = async (run: () => Promise<void>) => {
    const began = performance.now();
    await run();
    return performance.now() - began;
  };

  // Warm both workers' caches and connections first.
  for (let i = 0; i < 5; i++) await Promise.all([errandPlan(), barePlan()]);

  const errandMs: number[] = [];
  const bareMs: number[] = [];
  for (let i = 0; i < COUNT; i++) {
    // Alternate which goes first, so neither always meets a quieter server.
    if (i % 2 === 0) {
      errandMs.push(await timed(errandPlan));
      bareMs.push(await timed(barePlan));
    } else {
      bareMs.push(await timed(barePlan));
      errandMs.push(await timed(errandPlan));
    }
  }

  // Accepting: a one-step plan's POST until its 201, next to a bare workflow.start (no wait).
  const acceptErrand = async (): Promise<void> => {
    const n = slot++;
    const res = await fetch(`${base}/v1/plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        intent: `accept ${n}`,
        actions: [{ type: 'send_sms', params: { to: ['+14155550123'], message: `plan ${n}` } }],
      }),
    });
    if (res.status !== 201) throw new Error(`submit failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  const acceptBare = async (): Promise<void> => {
    await bareClient.workflow.start('barePlan', {
      taskQueue: bareQueue,
      workflowId: `bare-${randomUUID()}`,
    });
  };
  const acceptErrandMs: number[] = [];
  const acceptBareMs: number[] = [];
  for (let i = 0; i < COUNT; i++) {
    if (i % 2 === 0) {
      acceptErrandMs.push(await timed(acceptErrand));
      acceptBareMs.push(await timed(acceptBare));
    } else {
      acceptBareMs.push(await timed(acceptBare));
      acceptErrandMs.push(await timed(acceptErrand));
    }
  }

  const burst = async (run: () => Promise<void>) => {
    const began = performance.now();
    await Promise.all(Array.from({ length: CONCURRENT }, run));
    return CONCURRENT / ((performance.now() - began) / 1000);
  };
  const errandRate: number[] = [];
  const bareRate: number[] = [];
  for (let round = 0; round < 2; round++) {
    errandRate.push(await burst(errandPlan));
    bareRate.push(await burst(barePlan));
  }

  const errand = summary(errandMs);
  const bare = summary(bareMs);
  const result = {
    bench: 'plans',
    machine: `${process.platform} ${process.arch}, node ${process.version}`,
    at: new Date().toISOString(),
    count: COUNT,
    concurrent: CONCURRENT,
    errand_ms: errand,
    bare_temporal_ms: bare,
    ratio_p50: ratio(errand.p50, bare.p50),
    ratio_p99: ratio(errand.p99, bare.p99),
    accept_errand_ms: summary(acceptErrandMs),
    accept_bare_start_ms: summary(acceptBareMs),
    accept_ratio_p50: ratio(summary(acceptErrandMs).p50, summary(acceptBareMs).p50),
    errand_plans_per_second: errandRate.map(round1),
    bare_plans_per_second: bareRate.map(round1),
    throughput_ratio: ratio(Math.max(...errandRate), Math.max(...bareRate)),
  };
  console.table({
    'Errand three-step plan': errand,
    'bare Temporal, three no-op activities': bare,
    'Errand POST /v1/plans until 201 (one step)': result.accept_errand_ms,
    'bare workflow.start': result.accept_bare_start_ms,
  });
  console.log(
    `Errand ÷ bare: p50 ${result.ratio_p50}×, p99 ${result.ratio_p99}×; ` +
      `${CONCURRENT} at once: Errand ${result.errand_plans_per_second.join(', ')} /s, ` +
      `bare ${result.bare_plans_per_second.join(', ')} /s (best ÷ best ${result.throughput_ratio}×); ` +
      `accepting p50 ${result.accept_ratio_p50}× a bare start`,
  );
  const file = fileURLToPath(
    new URL(`./results/plans-${result.at.replace(/[:.]/g, '-')}.json`, import.meta.url),
  );
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`written to ${file}`);

  http.close();
  errandWorker.shutdown();
  bareWorker.shutdown();
  await running;
  await native.close();
  await client.connection.close();
  await server.stop();
  await db.destroy();
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    round1(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round1(sorted[sorted.length - 1]!) };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

async function recreate(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    await c.query(`drop database if exists "${name}" with (force)`);
    await c.query(`create database "${name}"`);
  } finally {
    await c.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
