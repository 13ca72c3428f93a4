/**
 * Reminder lateness: how long after its due time a reminder reaches the outbox.
 *
 * Errand: N plans through the API, each scheduling a reminder at its own due
 * time; lateness is the reminder's fired_at (and its outbox row's created_at)
 * minus its fire_at. Baseline, in the same run on the same server: N bare
 * Temporal workflows sleeping to the same instants, then one activity that
 * measures its own lateness. Both sets wait at once, interleaved.
 *
 *   npm run bench:reminders [-- --count 200]
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { pino } from 'pino';
import pg from 'pg';
import { parseKeyRing, newKey } from '../src/crypto/key-ring';
import { errandDataConverter } from '../src/temporal/data-converter';
import { createActivities } from '../src/activities';
import { createActivityDeps } from '../src/activities/deps';
import { createApp } from '../src/api/app';
import { createDb } from '../src/db/create-db';
import { createOutboundHttp } from '../src/net/outbound-http';
import { WEBHOOK_MAX_RESPONSE_BYTES } from '../src/net/webhook-limits';
import { createRulesPlanner } from '../src/planner/rules-planner';
import { migrateToLatest } from '../src/db/migrate';
import { startDevServer, temporalCliPath } from '../src/temporal/dev-server';
import { HARD_LIMITS } from '../src/tenants/tenant-limits';
import { ensureTenant } from '../src/tenants/tenants-repository';
import { createApiKey } from '../src/auth/api-keys-repository';
import { BUILT_IN_PEPPER } from '../src/auth/api-key';
import { WORKFLOWS_PATH } from '../src/worker';

const count = Number(process.argv[process.argv.indexOf('--count') + 1]) || 200;
const DATABASE_URL =
  process.env.ERRAND_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/errand_bench';

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  await recreate(DATABASE_URL);
  const db = createDb({ url: DATABASE_URL, maxConnections: 10 });
  await migrateToLatest(db);
  // The bench measures timers, not quotas: its burst of submissions must not wait for room.
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
  });
  const bareWorker = await Worker.create({
    connection: native,
    taskQueue: bareQueue,
    activities: { lateness: async (fireAt: string) => Date.now() - Date.parse(fireAt) },
    workflowsPath: fileURLToPath(new URL('./bare-timer-workflow.ts', import.meta.url)),
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

  const submitReminder = async (i: number, at: string) => {
    const res = await fetch(`${base}/v1/plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        intent: `bench ${i}`,
        actions: [{ type: 'schedule_reminder', params: { at, message: `reminder ${i}` } }],
      }),
    });
    if (res.status !== 201) throw new Error(`submit failed: ${res.status} ${await res.text()}`);
  };
  // The lead time comes from this machine's own pace: a warm-up of submissions (each an
  // Errand plan and a bare workflow, as below) due long after the run, so they never fire in it.
  const warmup = Math.min(20, count);
  const warmStart = performance.now();
  for (let i = 0; i < warmup; i++) {
    const far = new Date(Date.now() + 24 * 3600_000).toISOString();
    await submitReminder(-1 - i, far);
    await bareClient.workflow.start('bareTimer', {
      taskQueue: bareQueue,
      workflowId: `bare-warmup-${randomUUID()}`,
      args: [far],
    });
  }
  const perPairMs = (performance.now() - warmStart) / warmup;
  // Due times spread over 20 s, starting once every plan has had time to be submitted (twice the
  // measured pace, for a machine that slows down meanwhile).
  const t0 = Date.now() + 5_000 + Math.ceil(count * perPairMs * 2);
  console.log(
    `submitting ${count} plans at ${perPairMs.toFixed(1)} ms each (measured); first due in ${((t0 - Date.now()) / 1000).toFixed(1)} s`,
  );
  const due = Array.from({ length: count }, (_, i) =>
    new Date(t0 + Math.round((i * 20_000) / count)).toISOString(),
  );
  const bareHandles = [];
  for (const [i, at] of due.entries()) {
    await submitReminder(i, at);
    bareHandles.push(
      await bareClient.workflow.start('bareTimer', {
        taskQueue: bareQueue,
        workflowId: `bare-${randomUUID()}`,
        args: [at],
      }),
    );
  }
  if (Date.now() > t0) {
    throw new Error(
      `submissions outlasted the first due time even at twice the measured pace (${perPairMs.toFixed(1)} ms each): the machine slowed down during the run`,
    );
  }

  const bare = await Promise.all(bareHandles.map((h) => h.result() as Promise<number>));
  const rows = await waitForAllFired(db, count);
  const fired = rows.map((r) => r.fired_at!.getTime() - r.fire_at.getTime());
  const visible = rows.map((r) => r.outbox_created_at!.getTime() - r.fire_at.getTime());

  const result = {
    machine: `${process.platform} ${process.arch}, node ${process.version}`,
    at: new Date().toISOString(),
    count,
    errand_fired_ms: summary(fired),
    errand_in_outbox_ms: summary(visible),
    bare_temporal_ms: summary(bare),
    ratio_p50: ratio(summary(fired).p50, summary(bare).p50),
    ratio_p99: ratio(summary(fired).p99, summary(bare).p99),
  };
  console.table({
    'Errand reminder (delivery starts)': result.errand_fired_ms,
    'Errand reminder (row in outbox)': result.errand_in_outbox_ms,
    'bare Temporal timer + activity': result.bare_temporal_ms,
  });
  console.log(`Errand ÷ bare Temporal: p50 ${result.ratio_p50}, p99 ${result.ratio_p99}`);
  const file = fileURLToPath(
    new URL(`./results/reminder-lateness-${result.at.replace(/[:.]/g, '-')}.json`, import.meta.url),
  );
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`written to ${file}`);

  errandWorker.shutdown();
  bareWorker.shutdown();
  await running;
  http.close();
  await db.destroy();
  await server.stop();
}

async function waitForAllFired(db: ReturnType<typeof createDb>, n: number) {
  for (;;) {
    const rows = await db
      .selectFrom('reminders')
      .innerJoin('outbox', 'outbox.id', 'reminders.outbox_id')
      .select(['reminders.fire_at', 'reminders.fired_at', 'outbox.created_at as outbox_created_at'])
      .where('reminders.status', '=', 'fired')
      .execute();
    if (rows.length >= n) return rows;
    await new Promise((r) => setTimeout(r, 500));
  }
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { n: sorted.length, p50: q(50), p90: q(90), p99: q(99), max: sorted[sorted.length - 1] };
}

const ratio = (a: number, b: number) => (b > 0 ? Number((a / b).toFixed(2)) : null);

async function recreate(url: string) {
  const name = new URL(url).pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`drop database if exists "${name}" with (force)`);
  await c.query(`create database "${name}"`);
  await c.end();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
