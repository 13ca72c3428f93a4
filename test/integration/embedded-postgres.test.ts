import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabaseServer } from '../../src/db/database-server';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function newDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'errand-embedded-pg-'));
  // Run as root, Postgres runs as the user postgres, which must reach the folder.
  chmodSync(dir, 0o755);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'postgres');
}

async function start(dataDir: string): Promise<EmbeddedPostgres> {
  const server = await startEmbeddedPostgres({ dataDir, fast: true });
  cleanups.push(() => server.stop());
  return server;
}

async function query(server: EmbeddedPostgres, text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: server.url('postgres') });
  await client.connect();
  try {
    return (await client.query(text)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts the server from another process; resolves with that process and the server's port and pid. */
function ownerProcess(dataDir: string, env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/embedded-postgres-process.ts'],
    {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return new Promise<{ child: typeof child; port: number; pid: number }>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const ready = /READY (\d+) (\d+)/.exec(chunk.toString());
      if (ready) resolve({ child, port: Number(ready[1]), pid: Number(ready[2]) });
    });
    child.once('exit', (code) => reject(new Error(`owner process exited with ${code}`)));
  });
}

describe('embedded Postgres', () => {
  it('initialises a PostgreSQL 18 cluster with btree_gist on first start and keeps its data across a restart', async () => {
    const dataDir = newDataDir();
    const first = await start(dataDir);
    expect(first.owned).toBe(true);
    const [{ version }] = (await query(first, 'select version()')) as [{ version: string }];
    expect(version).toMatch(/^PostgreSQL 18\./);
    await query(first, 'create extension btree_gist; create table kept (note text)');
    await query(first, "insert into kept values ('still here')");
    await first.stop();
    expect(isAlive(first.pid)).toBe(false);

    const second = await start(dataDir);
    expect(second.port).toBe(first.port);
    expect(await query(second, 'select note from kept')).toEqual([{ note: 'still here' }]);
  });

  it('finds the server another start is running and leaves it running when it stops', async () => {
    const dataDir = newDataDir();
    const owner = await ownerProcess(dataDir);

    const second = await start(dataDir);
    expect(second).toMatchObject({ port: owner.port, pid: owner.pid, owned: false });
    await second.stop();
    expect(isAlive(owner.pid)).toBe(true);
    expect(await query(second, 'select 1 as one')).toEqual([{ one: 1 }]);

    owner.child.kill('SIGKILL');
    await new Promise((r) => owner.child.once('exit', r));
    const adopter = await start(dataDir);
    expect(adopter).toMatchObject({ pid: owner.pid, owned: true });
    await adopter.stop();
    expect(isAlive(owner.pid)).toBe(false);
  });

  it('stops the server when its owner leaves through process.exit without calling stop', async () => {
    const dataDir = newDataDir();
    const owner = await ownerProcess(dataDir, { EXIT: '1' }).catch(() => null);
    // The process may exit before its READY line is read; the server's pid is in the state file.
    const { pid } =
      owner ?? (JSON.parse(readFileSync(`${dataDir}.json`, 'utf8')) as { pid: number });
    await until(() => !isAlive(pid));
  });

  it('starts again after the server itself was killed -9, recovering the data it had committed', async () => {
    const dataDir = newDataDir();
    const first = await startEmbeddedPostgres({ dataDir });
    await query(first, "create table kept (note text); insert into kept values ('committed')");
    process.kill(first.pid, 'SIGKILL');
    await until(() => !isAlive(first.pid));

    const second = await start(dataDir);
    expect(second.pid).not.toBe(first.pid);
    expect(await query(second, 'select note from kept')).toEqual([{ note: 'committed' }]);
  });

  it.runIf(process.getuid?.() === 0)(
    'keeps its data where the user postgres can reach it when the project folder is private (a clone under /root)',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'errand-private-'));
      chmodSync(dir, 0o700);
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const server = await start(path.join(dir, 'postgres'));
      const [{ data_directory }] = await query(server, 'show data_directory');
      expect(String(data_directory)).toMatch(/^\/var\/lib\/errand\/[0-9a-f]{16}\/postgres$/);
      cleanups.push(() =>
        rmSync(path.dirname(String(data_directory)), { recursive: true, force: true }),
      );
      await server.stop();
      const again = await start(path.join(dir, 'postgres'));
      expect((await query(again, 'show data_directory'))[0].data_directory).toBe(data_directory);
    },
  );

  it('is what Errand uses when DATABASE_URL is unset: openDatabaseServer starts it and stops it', async () => {
    const dataDir = newDataDir();
    const database = await openDatabaseServer({ dataDir });
    expect(database.kind).toBe('embedded');
    expect(database.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/errand$/);
    const { pid } = JSON.parse(readFileSync(`${dataDir}.json`, 'utf8')) as { pid: number };
    expect(isAlive(pid)).toBe(true);
    await database.stop();
    expect(isAlive(pid)).toBe(false);
  });
});
