import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { NativeConnection } from '@temporalio/worker';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createActivities, type ActivityDeps } from './activities';
import {
  buildActivityDeps,
  buildDb,
  buildKeyRing,
  buildLogger,
  buildTemporalClient,
  buildWorkerConnection,
  installWorkerRuntime,
  logPayloadEncryption,
} from './clients';
import { ConfigError, loadConfig, type Config } from './config';
import type { KeyRing } from './crypto/key-ring';
import type { Database } from './db/database';
import { openDatabaseServer } from './db/database-server';
import { errandDataConverter } from './temporal/data-converter';
import { WORKFLOW_BUNDLE_FILE } from './build-layout';
import { BUILT_IN_PEPPER } from './auth/api-key';
import { startMetricsServer } from './metrics/metrics-server';

export interface ErrandWorkerConfig {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests build one per run); otherwise the workflows are bundled now. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Activities run at once; no more than the Postgres pool has connections. */
  maxConcurrentActivities?: number;
  /** ERRAND_ENCRYPTION_KEYS: payloads are sealed with it; undefined: plain. */
  keyRing?: KeyRing;
  /** After a shutdown is asked for, how long running activities may take before they are cancelled. */
  shutdownGraceTime?: number;
}

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));
/** Where `npm run build` leaves the bundled workflows: beside the compiled worker, never in src. */
const BUILT_WORKFLOW_BUNDLE = fileURLToPath(new URL(`./${WORKFLOW_BUNDLE_FILE}`, import.meta.url));

/** Builds the worker that runs plan and reminder workflows and every activity. */
export async function createErrandWorker(config: ErrandWorkerConfig): Promise<Worker> {
  return Worker.create({
    connection: config.connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    activities: createActivities(config.deps),
    dataConverter: errandDataConverter(config.keyRing),
    maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities,
    maxConcurrentLocalActivityExecutions: config.maxConcurrentActivities,
    shutdownGraceTime: config.shutdownGraceTime,
    ...(config.workflowBundle
      ? { workflowBundle: config.workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH }),
  });
}

/** Connects and runs a worker from configuration; `stop` drains it and closes its connections. */
export async function startWorker(config: Config, db: Kysely<Database>) {
  const connection = await buildWorkerConnection(config);
  const temporal = await buildTemporalClient(config);
  const worker = await createErrandWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: buildActivityDeps(config, db, temporal),
    maxConcurrentActivities: config.DATABASE_POOL_SIZE,
    keyRing: buildKeyRing(config),
    workflowBundle: config.ERRAND_WORKFLOW_BUNDLE
      ? { codePath: config.ERRAND_WORKFLOW_BUNDLE }
      : existsSync(BUILT_WORKFLOW_BUNDLE)
        ? { codePath: BUILT_WORKFLOW_BUNDLE }
        : undefined,
    shutdownGraceTime: config.ERRAND_SHUTDOWN_GRACE_MS,
  });
  const running = worker.run().finally(async () => {
    await connection.close();
    await temporal.connection.close();
  });
  return {
    running,
    stop: async () => {
      // The SDK's own SIGINT/SIGTERM handler may have begun the shutdown already.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    },
  };
}

async function main(): Promise<void> {
  const loaded = loadConfig(process.env);
  await installWorkerRuntime(loaded);
  const database = await openDatabaseServer({ url: loaded.DATABASE_URL, log: console.log });
  const config = { ...loaded, DATABASE_URL: database.url };
  const logger = buildLogger(config);
  logPayloadEncryption(config, logger);
  const db = buildDb(config, logger);
  const metrics =
    config.ERRAND_WORKER_METRICS_PORT === undefined
      ? undefined
      : await startMetricsServer({
          host: config.HOST,
          port: config.ERRAND_WORKER_METRICS_PORT,
          db,
          access: {
            token: config.ERRAND_METRICS_TOKEN,
            operatorKey: config.ERRAND_OPERATOR_KEY,
            pepper: config.ERRAND_KEY_PEPPER ?? BUILT_IN_PEPPER,
          },
        });
  try {
    // The worker stops itself on SIGINT and SIGTERM (the SDK's default), which ends `running`.
    await (
      await startWorker(config, db)
    ).running;
  } finally {
    metrics?.close();
    await db.destroy();
    await database.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}
