import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiIo, CliConfig } from '../../src/cli/command-args';
import { EXIT } from '../../src/cli/exit-codes';
import { planControlCommand } from '../../src/cli/plan-control-commands';
import { plansCommand } from '../../src/cli/plans-commands';
import { recordsCommand } from '../../src/cli/records-commands';
import { eventually, startHarness, type Harness } from '../support/harness';

let h: Harness;
let approver: string;
let viewer: string;
beforeAll(async () => {
  h = await startHarness();
  approver = await h.keyFor('approver');
  viewer = await h.keyFor('viewer');
});
afterAll(async () => {
  await h?.close();
});

const config: CliConfig = { HOST: '127.0.0.1', PORT: 1, ERRAND_API_KEY: undefined };

/** Runs a command in this process, as `errand` would, keeping what it prints. */
async function cli(
  run: (io: ApiIo) => Promise<number>,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: ApiIo = {
    out: (t) => (out += `${t}\n`),
    err: (t) => (err += `${t}\n`),
    fetch: globalThis.fetch,
  };
  const code = await run(io);
  return { code, out, err };
}

const target = (key: string) => ['--api', h.baseUrl, '--key', key];
const sms = { type: 'send_sms', params: { to: ['+14155550123'], message: 'hello' } };

async function waitingPlan(intent: string): Promise<string> {
  const res = await h.api('POST', '/v1/plans', { intent, require_approval: true, actions: [sms] });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await eventually(async () => {
    const plan = (await h.api('GET', `/v1/plans/${res.body.plan_id}`)).body;
    return plan.status === 'awaiting_approval' ? plan : undefined;
  });
  return res.body.plan_id as string;
}

describe('errand plans, approve, reject, cancel, reminders and decisions, against the real API', () => {
  it('lists waiting plans, shows one with its Web UI page, approves it and watches it complete', async () => {
    const id = await waitingPlan('cli approve');
    const list = await cli((io) =>
      plansCommand(
        ['list', '--status', 'awaiting_approval', '--json', ...target(viewer)],
        config,
        io,
      ),
    );
    expect(list.code).toBe(EXIT.ok);
    const listed = JSON.parse(list.out) as { data: { id: string; status: string }[] };
    expect(listed.data.map((p) => p.id)).toContain(id);
    expect(new Set(listed.data.map((p) => p.status))).toEqual(new Set(['awaiting_approval']));

    const human = await cli((io) => plansCommand(['list', ...target(viewer)], config, io));
    expect(human.out).toContain(id);

    const show = await cli((io) => plansCommand(['show', id, ...target(viewer)], config, io));
    expect(show.code).toBe(EXIT.ok);
    expect(show.out).toContain('awaiting_approval');
    expect(show.out).toContain(`/workflows/${encodeURIComponent(`${h.tenant.id}/plan/${id}`)}`);

    const approved = await cli((io) =>
      planControlCommand(
        'approve',
        [id, '--reason', 'looks right', ...target(approver)],
        config,
        io,
      ),
    );
    expect(approved.code, approved.err).toBe(EXIT.ok);
    expect(approved.out).toContain('approved');

    const watched = await cli((io) => plansCommand(['watch', id, ...target(viewer)], config, io));
    expect(watched.code, watched.err).toBe(EXIT.ok);
    expect(watched.out).toContain('plan_completed');
  });

  it('rejects with a reason, needs one, and says so with exit codes', async () => {
    const id = await waitingPlan('cli reject');
    const noReason = await cli((io) =>
      planControlCommand('reject', [id, ...target(approver)], config, io),
    );
    expect(noReason.code).toBe(EXIT.usage);
    expect(noReason.err).toContain('--reason');

    const asViewer = await cli((io) =>
      planControlCommand('reject', [id, '--reason', 'no', ...target(viewer)], config, io),
    );
    expect(asViewer.code).toBe(EXIT.refused);

    const rejected = await cli((io) =>
      planControlCommand(
        'reject',
        [id, '--reason', 'not now', '--json', ...target(approver)],
        config,
        io,
      ),
    );
    expect(rejected.code, rejected.err).toBe(EXIT.ok);
    expect(JSON.parse(rejected.out)).toMatchObject({ decision: { outcome: 'rejected' } });

    const again = await cli((io) =>
      planControlCommand('approve', [id, ...target(approver)], config, io),
    );
    expect(again.code).toBe(EXIT.conflict);

    const watched = await cli((io) => plansCommand(['watch', id, ...target(viewer)], config, io));
    expect(watched.code).toBe(EXIT.planNotCompleted);

    const missing = await cli((io) =>
      plansCommand(['show', '00000000-0000-4000-8000-000000000000', ...target(viewer)], config, io),
    );
    expect(missing.code).toBe(EXIT.notFound);
  });

  it('cancels a waiting plan, and lists reminders and decisions', async () => {
    const id = await waitingPlan('cli cancel');
    const submitter = await h.keyFor('submitter');
    const cancelled = await cli((io) =>
      planControlCommand('cancel', [id, ...target(submitter)], config, io),
    );
    expect(cancelled.code, cancelled.err).toBe(EXIT.ok);
    await eventually(async () => {
      const plan = (await h.api('GET', `/v1/plans/${id}`)).body;
      return plan.status === 'cancelled' ? plan : undefined;
    });

    const at = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const reminder = await h.api('POST', '/v1/plans', {
      intent: 'cli reminder',
      actions: [
        { type: 'schedule_reminder', params: { at, message: 'cli later', to: ['r@example.com'] } },
      ],
    });
    await h.client.workflow.getHandle(reminder.body.workflow_id).result();
    const reminders = await cli((io) =>
      recordsCommand('reminders', ['list', '--status', 'pending', ...target(viewer)], config, io),
    );
    expect(reminders.code, reminders.err).toBe(EXIT.ok);
    expect(reminders.out).toContain('cli later');

    const decided = await h.api('POST', '/v1/intents', {
      text: 'text +14155550123 that the cli works',
      dry_run: true,
    });
    expect(decided.status).toBe(200);
    const decisions = await cli((io) =>
      recordsCommand('decisions', ['list', '--json', ...target(viewer)], config, io),
    );
    expect(decisions.code, decisions.err).toBe(EXIT.ok);
    const body = JSON.parse(decisions.out) as { data: { outcome: string }[] };
    expect(body.data.map((d) => d.outcome)).toContain('dry_run');
  });

  it('runs as the errand command: exit codes for a missing plan and for bad usage', async () => {
    const bin = fileURLToPath(new URL('../../bin/errand.js', import.meta.url));
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, [bin, ...args], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
      }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const missing = await run(
      'plans',
      'show',
      '00000000-0000-4000-8000-000000000000',
      ...target(viewer),
    );
    expect(missing.code).toBe(EXIT.notFound);
    const bad = await run('plans', 'frobnicate', ...target(viewer));
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toContain('plans list');
  });
});
