import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../../src/net/free-port';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../src/db/create-db';
import type { DatabaseKind } from '../../src/db/database-server';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres';
import { migrateToLatest } from '../../src/db/migrate';
import { startDevServer, temporalCliPath, type DevServer } from '../../src/temporal/dev-server';
import { FAILURE_CONVERTER_PATH } from '../../src/temporal/data-converter';
import { WORKFLOWS_PATH } from '../../src/worker';

/** Set: the suite runs on that server (its database is dropped and recreated). Unset: on an embedded Postgres of its own. */
const EXTERNAL_DATABASE_URL = process.env.ERRAND_TEST_DATABASE_URL;

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    workflowBundlePath: string;
    temporalCli: string;
    databaseKind: DatabaseKind;
  }
}

let server: DevServer | undefined;
let embedded: EmbeddedPostgres | undefined;
let embeddedDir: string | undefined;

/** One Temporal dev server, one fresh database and one workflow bundle for the whole run. */
export async function setup(project: TestProject): Promise<void> {
  const temporalCli = temporalCliPath();
  const [port, databaseUrl] = await Promise.all([freePort(), testDatabase()]);
  const db = createDb({ url: databaseUrl });
  await migrateToLatest(db);
  await db.destroy();

  server = await startDevServer({ executable: temporalCli, port, uiPort: null });
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: quietLogger,
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'errand-test-'));
  const workflowBundlePath = path.join(dir, 'workflows.js');
  writeFileSync(workflowBundlePath, code);

  project.provide('temporalAddress', server.address);
  project.provide('databaseUrl', databaseUrl);
  project.provide('databaseKind', EXTERNAL_DATABASE_URL ? 'external' : 'embedded');
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('temporalCli', temporalCli);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  await embedded?.stop();
  if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
}

/** A fresh, empty database: on ERRAND_TEST_DATABASE_URL's server, or on a new embedded cluster in a temp dir. */
async function testDatabase(): Promise<string> {
  if (EXTERNAL_DATABASE_URL) {
    await recreateDatabase(EXTERNAL_DATABASE_URL);
    return EXTERNAL_DATABASE_URL;
  }
  embeddedDir = mkdtempSync(path.join(tmpdir(), 'errand-test-pg-'));
  // Run as root, Postgres runs as the user postgres, which must reach the folder.
  chmodSync(embeddedDir, 0o755);
  embedded = await startEmbeddedPostgres({
    dataDir: path.join(embeddedDir, 'postgres'),
    fast: true,
  });
  const url = embedded.url('errand_test');
  await recreateDatabase(url);
  return url;
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

export { freePort };

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};
