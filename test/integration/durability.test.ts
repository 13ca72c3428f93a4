import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Activities } from '../../src/activities';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import type { PlanState } from '../../src/workflows/definitions';
import { freePort } from '../support/global-setup';
import {
  eventually,
  futureSlot,
  startHarness,
  TEST_ENCRYPTION_KEYS,
  type Harness,
} from '../support/harness';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const demo = () => [
  {
    type: 'book_meeting',
    params: {
      title: 'Durable',
      time: futureSlot(100 + Math.floor(Math.random() * 200), 10),
      attendees: ['d@example.com'],
    },
  },
  { type: 'send_email', use_result_from: 0, params: {} },
  { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1d' } },
];

async function counts(h: Harness, planId: string) {
  const n = async (table: 'calendar_events' | 'outbox' | 'reminders') =>
    (await h.db.selectFrom(table).select('id').where('plan_id', '=', planId).execute()).length;
  return {
    bookings: await n('calendar_events'),
    emails: await n('outbox'),
    reminders: await n('reminders'),
  };
}

function workerProcess(env: Record<string, string>): Promise<ChildProcess> {
  // Node itself with tsx's loader, not the tsx launcher: the pid killed must be the worker's own.
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/worker-process.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      ERRAND_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

describe('durability', () => {
  it('finishes a plan after its worker is killed -9 mid-plan, with the booking and the email once each', async () => {
    const h = await startHarness({ worker: false });
    cleanups.push(() => h.close());
    const env = { TEMPORAL_ADDRESS: inject('temporalAddress'), TASK_QUEUE: h.taskQueue };
    const first = await workerProcess({ ...env, HANG_AFTER_WRITE: 'send_email' });

    const res = await h.api('POST', '/v1/plans', { intent: 'survive a crash', actions: demo() });
    // Step 1's booking and step 2's email are committed; the worker is stuck inside step 2.
    await eventually(async () =>
      (await counts(h, res.body.plan_id)).emails === 1 ? true : undefined,
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));

    await workerProcess(env);
    const state = (await h.client.workflow.getHandle(res.body.workflow_id).result()) as PlanState;
    expect(state.status).toBe('completed');
    expect(await counts(h, res.body.plan_id)).toEqual({ bookings: 1, emails: 1, reminders: 1 });
    expect((await h.api('GET', `/v1/plans/${res.body.plan_id}`)).body.status).toBe('completed');
    // The email step ran again on the new worker: its first attempt died with the old one.
    const history = await h.client.workflow.getHandle(res.body.workflow_id).fetchHistory();
    const attempts = history.events!.flatMap(
      (e) => e.activityTaskStartedEventAttributes?.attempt ?? [],
    );
    expect(attempts).toContain(2);
  });

  it('finishes a plan after the Temporal server is killed -9 and restarted on its database file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'errand-durability-'));
    const port = await freePort();
    const serverConfig = {
      executable: inject('temporalCli'),
      port,
      uiPort: null,
      dbFile: path.join(dir, 'temporal.db'),
    };
    let server: DevServer = await startDevServer(serverConfig);
    cleanups.push(() => server.stop());

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reachedGate!: () => void;
    const atGate = new Promise<void>((r) => (reachedGate = r));
    const h = await startHarness({
      temporalAddress: server.address,
      wrapActivities: (a: Activities) => ({
        ...a,
        send_email: async (input) => {
          const output = await a.send_email(input);
          reachedGate();
          await gate;
          return output;
        },
      }),
    });
    cleanups.push(() => h.close());

    const res = await h.api('POST', '/v1/plans', { intent: 'survive the server', actions: demo() });
    await atGate;
    server.process.kill('SIGKILL');
    await new Promise((r) => server.process.once('exit', r));
    release();
    server = await startDevServer(serverConfig);

    const state = (await h.client.workflow.getHandle(res.body.workflow_id).result()) as PlanState;
    expect(state.status).toBe('completed');
    expect(await counts(h, res.body.plan_id)).toEqual({ bookings: 1, emails: 1, reminders: 1 });
  });

  it('keeps a plan waiting for approval across a restart of the API and the worker', async () => {
    const before = await startHarness();
    const res = await before.api('POST', '/v1/plans', {
      intent: 'wait for me',
      require_approval: true,
      actions: [
        { type: 'send_sms', params: { to: ['+14155550123'], message: 'approved at last' } },
      ],
    });
    await eventually(async () =>
      (await before.api('GET', `/v1/plans/${res.body.plan_id}`)).body.status === 'awaiting_approval'
        ? true
        : undefined,
    );
    await before.close();

    const after = await startHarness({ tenantId: before.tenant.id, taskQueue: before.taskQueue });
    cleanups.push(() => after.close());
    const approved = await after.api('POST', `/v1/plans/${res.body.plan_id}/approve`, {
      reason: 'after the restart',
    });
    expect(approved.status).toBe(200);
    const state = (await after.client.workflow
      .getHandle(res.body.workflow_id)
      .result()) as PlanState;
    expect(state.status).toBe('completed');
    expect((await counts(after, res.body.plan_id)).emails).toBe(1);
  });
});
