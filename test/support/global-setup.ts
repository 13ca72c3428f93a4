import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../src/db/create-db';
import { migrateToLatest } from '../../src/db/migrate';
import { startDevServer, temporalCliPath, type DevServer } from '../../src/temporal/dev-server';
import { WORKFLOWS_PATH } from '../../src/worker';

export const TEST_DATABASE_URL =
  process.env.ERRAND_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/errand_test';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    workflowBundlePath: string;
    temporalCli: string;
  }
}

let server: DevServer | undefined;

/** One Temporal dev server, one fresh database and one workflow bundle for the whole run. */
export async function setup(project: TestProject): Promise<void> {
  const temporalCli = temporalCliPath();
  const [port] = await Promise.all([freePort(), recreateDatabase(TEST_DATABASE_URL)]);
  const db = createDb({ url: TEST_DATABASE_URL });
  await migrateToLatest(db);
  await db.destroy();

  server = await startDevServer({ executable: temporalCli, port, uiPort: null });
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  const dir = mkdtempSync(path.join(tmpdir(), 'errand-test-'));
  const workflowBundlePath = path.join(dir, 'workflows.js');
  writeFileSync(workflowBundlePath, code);

  project.provide('temporalAddress', server.address);
  project.provide('databaseUrl', TEST_DATABASE_URL);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('temporalCli', temporalCli);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

async function recreateDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.once('error', reject);
  });
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};
