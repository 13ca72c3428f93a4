import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../net/free-port';
import {
  postgresBinaries,
  rootHint,
  serverAccount,
  type Account,
} from './embedded-postgres-binaries';

export interface EmbeddedPostgresConfig {
  /** The cluster's data directory; initialised on first use. `<dataDir>.json` and `<dataDir>.log` sit beside it. */
  dataDir: string;
  /** Port to start on when free; otherwise the port of the last start, otherwise any free port. */
  port?: number;
  /** Turns off fsync and synchronous commit: for throwaway clusters (tests), never for data you keep. */
  fast?: boolean;
  /** Progress lines for the person waiting. */
  log?: (line: string) => void;
}

/** A PostgreSQL server from the `embedded-postgres` packages' binaries, listening on 127.0.0.1 only. */
export interface EmbeddedPostgres {
  readonly port: number;
  readonly pid: number;
  /** True when this process started the server, or adopted it from a process that died; only then does `stop` stop it. */
  readonly owned: boolean;
  /** `postgres://postgres@127.0.0.1:<port>/<database>` (trust authentication, loopback only). */
  url(database: string): string;
  stop(): Promise<void>;
}

interface State {
  port: number;
  pid?: number;
  /** The process that stops the server; another start while it lives only connects. */
  owner?: number;
}

/**
 * Finds the server already running on `dataDir` (started by an earlier or a
 * concurrent start) or starts one, initialising the cluster the first time
 * and clearing a `postmaster.pid` left by a crash.
 *
 * @example const pg = await startEmbeddedPostgres({ dataDir: '.errand/postgres' });
 */
export async function startEmbeddedPostgres(
  config: EmbeddedPostgresConfig,
): Promise<EmbeddedPostgres> {
  const log = config.log ?? (() => undefined);
  const account = serverAccount();
  const dataDir = reachableDataDir(path.resolve(config.dataDir), account, log);
  const files = { state: `${dataDir}.json`, log: `${dataDir}.log` };
  const state = await readState(files.state);

  const running = await findRunning(dataDir, log);
  if (running) {
    // Adopted when its owner died (kill -9); a live owner, this process included, keeps it.
    const owned =
      state?.owner === undefined || (state.owner !== process.pid && !isAlive(state.owner));
    if (owned)
      await writeState(files.state, { port: running.port, pid: running.pid, owner: process.pid });
    log(
      `PostgreSQL already running on 127.0.0.1:${running.port} (pid ${running.pid}, data in ${dataDir}).`,
    );
    return handle(running.port, running.pid, owned, null, files.state);
  }

  const bin = await postgresBinaries(account);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`Initialising PostgreSQL in ${dataDir} (first run only, a few seconds)...`);
    await initialise(bin.initdb, dataDir, account);
  }
  const port = await choosePort([config.port, state?.port]);
  const start = () => launch(bin.postgres, dataDir, port, account, files.log, config.fast ?? false);
  // After a crash of the server itself, its backends may take a moment to notice and
  // let go of the old shared memory; Postgres refuses to start until they have.
  const child = await start()
    .catch((err: Error) =>
      /still in use/.test(err.message) ? delay(1000).then(start) : Promise.reject(err),
    )
    .catch((err: Error) =>
      /still in use/.test(err.message) ? delay(3000).then(start) : Promise.reject(err),
    );
  await writeState(files.state, { port, pid: child.pid!, owner: process.pid });
  log(`PostgreSQL ready on 127.0.0.1:${port} (data in ${dataDir}).`);
  return handle(port, child.pid!, true, child, files.state);
}

/**
 * Where the cluster's data lives. As root, Postgres runs as the user postgres,
 * which cannot reach a project cloned under a private home (/root): then the
 * data lives under /var/lib/errand instead, in a folder named after the
 * project's own path, so each clone keeps its own cluster across restarts.
 */
function reachableDataDir(
  dataDir: string,
  account: Account | null,
  log: (line: string) => void,
): string {
  const parent = path.dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  if (!account || reaches(parent, account)) return dataDir;
  const key = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  const elsewhere = path.join(ELSEWHERE_ROOT, key, path.basename(dataDir));
  mkdirSync(path.dirname(elsewhere), { recursive: true, mode: 0o755 });
  log(`The user postgres cannot reach ${parent}; the cluster's data lives in ${elsewhere}.`);
  return elsewhere;
}

const ELSEWHERE_ROOT = '/var/lib/errand';

function reaches(dir: string, account: Account): boolean {
  return spawnSync('test', ['-x', dir, '-a', '-r', dir], account).status === 0;
}

function handle(
  port: number,
  pid: number,
  owned: boolean,
  child: ChildProcess | null,
  stateFile: string,
): EmbeddedPostgres {
  let stopping: Promise<void> | null = null;
  // A safety net for exits that skip `stop` (process.exit in an error path): SIGINT is
  // Postgres's fast shutdown and can be sent synchronously. Only kill -9 escapes it,
  // and then the next start adopts the orphaned server.
  const onExit = () => {
    if (owned && !stopping) signal(pid, 'SIGINT');
  };
  process.once('exit', onExit);
  return {
    port,
    pid,
    owned,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop: () => {
      process.removeListener('exit', onExit);
      if (!owned) return Promise.resolve();
      stopping ??= (async () => {
        signal(pid, 'SIGINT');
        await waitForExit(pid, child, 30_000).catch(async () => {
          signal(pid, 'SIGQUIT');
          await waitForExit(pid, child, 10_000);
        });
        await writeState(stateFile, { port });
      })();
      return stopping;
    },
  };
}

/**
 * The server named by `postmaster.pid`, when that process is alive and answers.
 * A file left by a dead server stays: Postgres clears it itself after checking
 * that no old backend still holds the shared memory.
 */
async function findRunning(dataDir: string, log: (line: string) => void) {
  const lockFile = path.join(dataDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = readFileSync(lockFile, 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    log(`PostgreSQL was not shut down cleanly (pid ${lines[0]} is gone); it recovers on start.`);
    return null;
  }
  if (!isPostgres(pid)) {
    // The pid was reused by another process (after a reboot, in a container):
    // Postgres would take it for a live server and refuse to start.
    log(`Removing ${lockFile}: its pid ${pid} is now another program.`);
    await unlink(lockFile).catch(() => undefined);
    return null;
  }
  if (!(await answers(port, 15_000))) {
    throw new Error(
      `PostgreSQL (pid ${pid}) holds ${dataDir} but does not answer on port ${port}; stop it (kill -INT ${pid}) and start again`,
    );
  }
  return { pid, port };
}

async function initialise(initdb: string, dataDir: string, account: Account | null): Promise<void> {
  // Initialised beside the target and renamed into place, so a start killed
  // mid-initdb leaves no half-made cluster behind.
  const partial = `${dataDir}.initialising`;
  await rm(partial, { recursive: true, force: true });
  mkdirSync(path.dirname(partial), { recursive: true });
  mkdirSync(partial, { mode: 0o700 });
  if (account) chownSync(partial, account.uid, account.gid);
  const result = spawnSync(
    initdb,
    [
      `--pgdata=${partial}`,
      '--username=postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      '--no-instructions',
    ],
    { encoding: 'utf8', ...(account ?? {}) },
  );
  if (result.status !== 0) {
    await rm(partial, { recursive: true, force: true });
    throw new Error(`initdb failed${rootHint(account)}:\n${result.stderr || String(result.error)}`);
  }
  await rename(partial, dataDir);
}

async function launch(
  postgres: string,
  dataDir: string,
  port: number,
  account: Account | null,
  logFile: string,
  fast: boolean,
): Promise<ChildProcess> {
  const out = openSync(logFile, 'a');
  const settings = [
    'listen_addresses=127.0.0.1',
    // No Unix socket: nothing of ours uses one, and its lock file in /tmp could clash between clusters.
    'unix_socket_directories=',
    'max_connections=200',
    ...(fast ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : []),
  ];
  // Its own process group, so a Ctrl-C in the terminal reaches Errand, which stops the
  // worker and the API before the database, rather than Postgres at the same moment.
  const child = spawn(
    postgres,
    ['-D', dataDir, '-p', String(port), ...settings.flatMap((s) => ['-c', s])],
    {
      detached: true,
      stdio: ['ignore', out, out],
      ...(account ?? {}),
    },
  );
  closeSync(out);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(
        new Error(
          `PostgreSQL exited with code ${code} while starting${rootHint(account)}; the end of ${logFile}:\n${tail(logFile)}`,
        ),
      ),
    ),
  );
  exited.catch(() => undefined);
  const ready = answers(port, 60_000).then((ok) => {
    if (!ok)
      throw new Error(`PostgreSQL did not answer on port ${port} within 60 s; see ${logFile}`);
  });
  try {
    await Promise.race([ready, exited]);
  } catch (err) {
    signal(child.pid, 'SIGQUIT');
    throw err;
  }
  child.unref();
  return child;
}

/** Connects as the superuser until the server answers or `timeoutMs` passes. */
async function answers(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      database: 'postgres',
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      if (Date.now() > deadline) return false;
      await delay(100);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function choosePort(preferred: (number | undefined)[]): Promise<number> {
  for (const port of preferred) if (port && (await portIsFree(port))) return port;
  return freePort();
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function waitForExit(
  pid: number,
  child: ChildProcess | null,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const gone = () => (child ? child.exitCode !== null || child.signalCode !== null : !isAlive(pid));
  while (!gone()) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL (pid ${pid}) did not stop`);
    await delay(50);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` is a postgres process (where /proc exists; elsewhere it is taken to be). */
function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync('/proc/self');
  }
}

function signal(pid: number | undefined, name: NodeJS.Signals): void {
  try {
    if (pid) process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

async function readState(file: string): Promise<State | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as State;
  } catch {
    return null;
  }
}

async function writeState(file: string, state: State): Promise<void> {
  await writeFile(file, `${JSON.stringify(state)}\n`);
}
