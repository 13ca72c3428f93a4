import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ErrandProcess {
  child: ChildProcess;
  /** Everything it printed, for a failing test to show. */
  output(): string;
  alive(): boolean;
  kill(): Promise<void>;
}

/**
 * Runs one of Errand's own entry points (`src/worker.ts`, `src/api/server.ts`)
 * as a process of its own, configured only by environment variables, as in
 * production. Node runs it with tsx's loader, so the pid is Errand's own.
 */
export function startErrandProcess(entry: string, env: Record<string, string>): ErrandProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  const keep = (chunk: Buffer) => {
    printed = (printed + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return {
    child,
    output: () => printed,
    alive: () => child.exitCode === null && child.signalCode === null,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
