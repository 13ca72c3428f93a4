import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import { createDb } from '../../src/db/create-db';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres';
import { migrateToLatest } from '../../src/db/migrate';
import { temporalCliPath } from '../../src/temporal/dev-server';
import { WORKFLOWS_PATH } from '../../src/worker';
import { FAILURE_CONVERTER_PATH } from '../../src/temporal/data-converter';
import { startTemporalCluster, type TemporalCluster } from './temporal-cluster';

export interface ClusterEnvironment {
  /** The Temporal cluster's frontend. */
  temporalAddress: string;
  /** Errand's own database, migrated, on the same Postgres as the cluster. */
  databaseUrl: string;
  workflowBundlePath: string;
  temporalCli: string;
  cluster: TemporalCluster;
  close(): Promise<void>;
}

/** The Temporal server and SQL tool, built once from their Go modules and cached. */
export function temporalServerDir(): string {
  const script = fileURLToPath(new URL('../../scripts/ensure-temporal-server.sh', import.meta.url));
  return execFileSync('bash', [script, '--build'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/**
 * Everything `npm run test:cluster` runs Errand against: a Temporal cluster on Postgres
 * (ERRAND_TEST_DATABASE_URL's server when set, otherwise an embedded one) and Errand's
 * database beside it. Each run gets fresh databases.
 */
export async function startClusterEnvironment(): Promise<ClusterEnvironment> {
  const binDir = temporalServerDir();
  const temporalCli = temporalCliPath();
  const dir = mkdtempSync(path.join(tmpdir(), 'errand-cluster-'));
  // Run as root, an embedded Postgres runs as the user postgres, which must reach the folder.
  chmodSync(dir, 0o755);
  let embedded: EmbeddedPostgres | undefined;
  let base: URL;
  if (process.env.ERRAND_TEST_DATABASE_URL) {
    base = new URL(process.env.ERRAND_TEST_DATABASE_URL);
  } else {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), fast: true });
    base = new URL(embedded.url('postgres'));
  }
  const prefix = `errand_cluster_${process.pid}`;
  const names = [`${prefix}_errand`, `${prefix}_temporal`, `${prefix}_visibility`];
  const cleanUp = async () => {
    if (embedded) await embedded.stop();
    else await dropDatabases(base, names).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const databaseUrl = new URL(base);
    databaseUrl.pathname = `/${prefix}_errand`;
    await recreateDatabases(base, names);
    const db = createDb({ url: databaseUrl.toString() });
    await migrateToLatest(db);
    await db.destroy();

    const cluster = await startTemporalCluster({
      binDir,
      temporalCli,
      postgres: {
        host: base.hostname,
        port: Number(base.port || 5432),
        user: decodeURIComponent(base.username || 'postgres'),
        password: decodeURIComponent(base.password),
      },
      databasePrefix: prefix,
      dir,
    });
    const { code } = await bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      failureConverterPath: FAILURE_CONVERTER_PATH,
      logger: quietLogger,
    });
    const workflowBundlePath = path.join(dir, 'workflows.js');
    writeFileSync(workflowBundlePath, code);
    return {
      temporalAddress: cluster.address,
      databaseUrl: databaseUrl.toString(),
      workflowBundlePath,
      temporalCli,
      cluster,
      close: async () => {
        await cluster.stop();
        await cleanUp();
      },
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}

async function withAdmin(base: URL, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

const dropDatabases = (base: URL, names: string[]) =>
  withAdmin(base, async (client) => {
    for (const name of names) await client.query(`drop database if exists "${name}" with (force)`);
  });

async function recreateDatabases(base: URL, names: string[]): Promise<void> {
  await dropDatabases(base, names);
  // Only Errand's is created here: the cluster's two are created by the schema script, as in compose.
  await withAdmin(base, async (client) => {
    await client.query(`create database "${names[0]}"`);
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
