/**
 * What every Temporal benchmark stands on: a fresh database, a dev server with
 * the README's fast flags, Errand's worker and API as `npm start` runs them
 * (every payload through the encryption codec), and a bare worker on its own
 * task queue of the same server for the baseline measured in the same run.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import { pino } from 'pino';
import pg from 'pg';
import { createActivities } from '../src/activities';
import { createActivityDeps } from '../src/activities/deps';
import { createApp } from '../src/api/app';
import { createSubmissionReconciler } from '../src/api/submission-reconciler';
import { BUILT_IN_PEPPER } from '../src/auth/api-key';
import { createApiKey } from '../src/auth/api-keys-repository';
import { newKey, parseKeyRing } from '../src/crypto/key-ring';
import { createDb } from '../src/db/create-db';
import { migrateToLatest } from '../src/db/migrate';
import { createOutboundHttp } from '../src/net/outbound-http';
import { WEBHOOK_MAX_RESPONSE_BYTES } from '../src/net/webhook-limits';
import { createRulesPlanner } from '../src/planner/rules-planner';
import { errandDataConverter } from '../src/temporal/data-converter';
import { startDevServer, temporalCliPath } from '../src/temporal/dev-server';
import { HARD_LIMITS } from '../src/tenants/tenant-limits';
import { ensureTenant } from '../src/tenants/tenants-repository';
import { WORKFLOWS_PATH } from '../src/worker';

export const DATABASE_URL =
  process.env.ERRAND_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/errand_bench';

export interface StackOptions {
  /** The bare worker's activities and workflows (a file under bench/). */
  bare: { activities: object; workflows: string };
  /** Settings of Errand's worker beyond the defaults. */
  errandWorker?: Partial<WorkerOptions>;
  dbConnections?: number;
}

export type Db = ReturnType<typeof createDb>;

/** The plan benches' stack: bare workflows of no-op activities, and Errand's worker sized like the pool. */
export const PLAN_BENCH_STACK: StackOptions = {
  bare: {
    activities: { noop: async (step: number) => step },
    workflows: './bare-plan-workflow.ts',
  },
  errandWorker: {
    maxConcurrentActivityTaskExecutions: 20,
    maxConcurrentLocalActivityExecutions: 20,
  },
};

export interface BenchStack {
  db: Db;
  /** Errand's client, with the codec. */
  client: Client;
  /** The baseline's client: the default data converter. */
  bareClient: Client;
  bareQueue: string;
  /** The API's base URL and a submitter key for it. */
  base: string;
  key: string;
  /** The Temporal server's address, for a benchmark's own workers. */
  address: string;
  close(): Promise<void>;
}

export async function startBenchStack(options: StackOptions): Promise<BenchStack> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  await recreate(DATABASE_URL);
  const db = createDb({ url: DATABASE_URL, maxConnections: options.dbConnections ?? 20 });
  await migrateToLatest(db);
  // The benches measure plans and timers, not quotas: a burst must not wait for room.
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
    // 2,000 clients awaiting results are 2,000 long polls; the server's default allows 1,200.
    extraFlags: ['--dynamic-config-value', 'frontend.namespaceCount=10000'],
  });
  const dataConverter = errandDataConverter(parseKeyRing(`bench:${newKey()}`));
  const client = new Client({
    connection: await Connection.connect({ address: server.address }),
    dataConverter,
  });
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
    ...options.errandWorker,
  });
  const bareWorker = await Worker.create({
    connection: native,
    taskQueue: bareQueue,
    activities: options.bare.activities,
    workflowsPath: fileURLToPath(new URL(options.bare.workflows, import.meta.url)),
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
    bodyLimit: '256kb',
    webUiUrl: 'http://localhost:8233',
  });
  const http = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  // As npm start runs it: a plan whose start timed out under load (202) is started from its row.
  const reconciler = createSubmissionReconciler({
    db,
    temporal: client,
    logger: pino({ level: 'silent' }),
    taskQueue: errandQueue,
    startTimeoutMs: 5_000,
    ageMs: 15_000,
    batchSize: 50,
  }).start(5_000);
  return {
    db,
    client,
    bareClient,
    bareQueue,
    base,
    key,
    address: server.address,
    async close() {
      await reconciler.stop();
      http.close();
      errandWorker.shutdown();
      bareWorker.shutdown();
      await running;
      await native.close();
      await client.connection.close();
      await server.stop();
      await db.destroy();
    },
  };
}

/**
 * `POST /v1/plans` until it is accepted; a 429 or 503 (the API's backpressure)
 * waits its Retry-After and asks again, as a well-behaved client does.
 */
export async function submitPlan(
  stack: Pick<BenchStack, 'base' | 'key'>,
  plan: unknown,
): Promise<{ workflow_id: string; plan_id: string; refusals: number; deferred: boolean }> {
  for (let refusals = 0; ; refusals++) {
    const res = await fetch(`${stack.base}/v1/plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.key}` },
      body: JSON.stringify(plan),
    });
    // 202: the row is written and its workflow's start is left to the reconciler.
    if (res.status === 201 || res.status === 202) {
      const body = (await res.json()) as { workflow_id: string; plan_id: string };
      return { ...body, refusals, deferred: res.status === 202 };
    }
    const text = await res.text();
    if ((res.status !== 429 && res.status !== 503) || refusals > 1000) {
      throw new Error(`submit failed: ${res.status} ${text}`);
    }
    const wait = Number(res.headers.get('retry-after') ?? '1');
    await new Promise((r) => setTimeout(r, Math.max(0.05, wait) * 1000));
  }
}

/** Runs `count` of `run` at once; how many finished a second. */
export async function rate(count: number, run: () => Promise<unknown>): Promise<number> {
  const began = performance.now();
  await Promise.all(Array.from({ length: count }, run));
  return count / ((performance.now() - began) / 1000);
}

export async function timed(run: () => Promise<unknown>): Promise<number> {
  const began = performance.now();
  await run();
  return performance.now() - began;
}

export function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    round1(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round1(sorted[sorted.length - 1]!) };
}

export const round1 = (n: number) => Math.round(n * 10) / 10;
export const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);

/** Writes `bench/results/<name>-<timestamp>.json` and says where. */
export function writeResult(name: string, result: { at: string }): void {
  const file = fileURLToPath(
    new URL(`./results/${name}-${result.at.replace(/[:.]/g, '-')}.json`, import.meta.url),
  );
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`written to ${file}`);
}

export const machine = () => `${process.platform} ${process.arch}, node ${process.version}`;

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

/** The plan workflow's result; a plan left to the reconciler (202) may not have started yet. */
export async function planResult(client: Client, workflowId: string): Promise<{ status: string }> {
  for (;;) {
    try {
      return (await client.workflow.getHandle(workflowId).result()) as { status: string };
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}
