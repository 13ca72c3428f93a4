import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { freePort } from './global-setup';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ApiProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Resolves with the signal that ended the process, if any. */
  exited: Promise<NodeJS.Signals | null>;
}

/**
 * The real API composition root (src/api/server.ts) in a process of its own,
 * so a test can see it die (e.g. through the test-only
 * ERRAND_TEST_CRASH_AFTER_PLAN_INSERT) or run its reconciler. Resolves once it listens.
 */
export async function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawnApi(port, env, 'inherit');
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Errand API on')) resolve();
    });
    void exited.then(() => reject(new Error('the API process exited before it listened')));
  });
  return { child, baseUrl: `http://127.0.0.1:${port}`, exited };
}

/** src/api/server.ts on `port` against the suite's Postgres and Temporal, stdout piped. */
export function spawnApi(port: number, env: Record<string, string>, stderr: 'inherit' | 'pipe') {
  // Node itself with tsx's loader, not the tsx launcher: the pid that dies must be the API's own.
  return spawn(process.execPath, ['--import', 'tsx', 'src/api/server.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'silent',
      ...env,
    },
    stdio: ['ignore', 'pipe', stderr],
  });
}
