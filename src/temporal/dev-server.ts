import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { DEV_SERVER_SEARCH_ATTRIBUTES } from './search-attributes';

/**
 * Flags that cut a plan's latency on the dev server from ~350 ms to ~30 ms:
 * by default the history service polls its transfer queue 20 times a second,
 * so every task dispatch waits up to 50 ms; WAL makes SQLite commits cheap.
 */
export const FAST_DEV_SERVER_FLAGS = [
  '--dynamic-config-value',
  'history.transferProcessorMaxPollRPS=1000',
  '--sqlite-pragma',
  'journal_mode=wal',
  '--sqlite-pragma',
  'synchronous=normal',
];

export interface DevServerConfig {
  executable: string;
  port: number;
  /** Web UI port; null runs the server headless. */
  uiPort: number | null;
  /** SQLite file that keeps runs across restarts; in memory when absent. */
  dbFile?: string;
  namespace?: string;
  /** Where the server's own output goes. */
  stdio?: 'ignore' | 'inherit';
  /** More `temporal server start-dev` flags (the benchmarks raise the long-poll limit). */
  extraFlags?: string[];
}

export interface DevServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The Temporal CLI: found or built by scripts/ensure-temporal.sh. */
export function temporalCliPath(): string {
  const script = fileURLToPath(new URL('../../scripts/ensure-temporal.sh', import.meta.url));
  return execFileSync('bash', [script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** Starts `temporal server start-dev` and resolves once it answers. */
export async function startDevServer(config: DevServerConfig): Promise<DevServer> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(config.port),
    '--namespace',
    config.namespace ?? 'default',
    '--log-level',
    'error',
    ...(config.uiPort === null ? ['--headless'] : ['--ui-port', String(config.uiPort)]),
    ...(config.dbFile ? ['--db-filename', config.dbFile] : []),
    ...FAST_DEV_SERVER_FLAGS,
    ...DEV_SERVER_SEARCH_ATTRIBUTES,
    ...(config.extraFlags ?? []),
  ];
  const child = spawn(config.executable, args, { stdio: config.stdio ?? 'ignore' });
  // However this process ends (a crash included), the server it started goes with it.
  const killChild = () => child.kill('SIGTERM');
  process.once('exit', killChild);
  child.once('exit', () => process.removeListener('exit', killChild));
  const address = `127.0.0.1:${config.port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`temporal dev server exited with code ${code}`))),
  );
  exited.catch(() => undefined);
  await Promise.race([waitForTemporal(address, 60_000), exited]);
  return {
    address,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Resolves once a Temporal frontend answers at `address`, or throws after `timeoutMs`. */
export async function waitForTemporal(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await temporalAnswers(address)) return;
    if (Date.now() > deadline) throw new Error(`Temporal did not answer at ${address}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function temporalAnswers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}
