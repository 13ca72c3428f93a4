import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '../support/global-setup';
import { eventually } from '../support/harness';

const root = fileURLToPath(new URL('../..', import.meta.url));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the dev server Errand starts', () => {
  it('does not outlive a process that crashes', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/crash-after-dev-server.ts'],
      {
        cwd: root,
        env: {
          ...process.env,
          TEMPORAL_CLI: inject('temporalCli'),
          PORT: String(await freePort()),
        },
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).not.toBe(0);
    const pid = Number(/DEV_SERVER_PID=(\d+)/.exec(out)?.[1]);
    expect(pid).toBeGreaterThan(0);
    await eventually(async () => (isAlive(pid) ? undefined : true), 10_000);
  }, 60_000);
});
