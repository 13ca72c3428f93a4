import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import {
  buildCalendar,
  buildDb,
  buildJwtVerifier,
  buildGoogleConfig,
  buildKeyRing,
  buildLogger,
  buildPlanner,
  buildTemporalClient,
  logPayloadEncryption,
} from '../clients';
import { ConfigError, loadConfig, type ConnectedConfig } from '../config';
import { openDatabaseServer, type DatabaseKind } from '../db/database-server';
import { createApp } from './app';
import { listenForPlanEvents } from './plan-event-feed';
import { createSubmissionReconciler } from './submission-reconciler';
import { createWebhookDispatcher } from '../webhooks/webhook-dispatcher';

/** How often queued webhook deliveries are looked for when no notification woke the dispatcher. */
const WEBHOOK_POLL_MS = 5_000;

/** Starts the API on the configured port; resolves once it listens. */
export async function startApi(
  config: ConnectedConfig,
  databaseKind: DatabaseKind,
): Promise<{ server: Server; close: () => Promise<void> }> {
  const logger = buildLogger(config);
  const db = buildDb(config, logger);
  const healthDb = buildDb({ ...config, DATABASE_POOL_SIZE: 1 }, logger);
  const temporal = await buildTemporalClient(config);
  const planEvents = listenForPlanEvents(config.DATABASE_URL, logger);
  const shutdown = new AbortController();
  const app = createApp({
    draining: () => shutdown.signal.aborted,
    db,
    temporal,
    calendar: buildCalendar(config, db),
    planner: buildPlanner(config),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    logger,
    keyPepper: config.ERRAND_KEY_PEPPER,
    operatorKey: config.ERRAND_OPERATOR_KEY,
    metricsToken: config.ERRAND_METRICS_TOKEN,
    jwt: buildJwtVerifier(config),
    bodyLimit: config.ERRAND_BODY_LIMIT,
    webUiUrl: config.TEMPORAL_UI_URL,
    allowPrivateNetwork: config.ERRAND_ALLOW_PRIVATE_NETWORK,
    startTimeoutMs: config.ERRAND_START_TIMEOUT_MS,
    keyRequestsPerMinute: config.ERRAND_KEY_REQUESTS_PER_MINUTE,
    keyRing: buildKeyRing(config),
    google: buildGoogleConfig(config),
    publicUrl: config.ERRAND_PUBLIC_URL,
    afterPlanInsert:
      config.ERRAND_TEST_CRASH_AFTER_PLAN_INSERT === 'true'
        ? () => process.kill(process.pid, 'SIGKILL')
        : undefined,
    databaseKind,
    maxInFlight: config.ERRAND_MAX_IN_FLIGHT_REQUESTS ?? 10 * config.DATABASE_POOL_SIZE,
    healthDb,
    planEvents,
    shutdown: shutdown.signal,
  });
  const reconciler = createSubmissionReconciler({
    db,
    temporal,
    logger,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    startTimeoutMs: config.ERRAND_START_TIMEOUT_MS,
    ageMs: config.ERRAND_RECONCILE_AGE_MS,
    batchSize: config.ERRAND_RECONCILE_BATCH,
  }).start(config.ERRAND_RECONCILE_INTERVAL_MS);
  const webhooks = createWebhookDispatcher({
    db,
    temporal,
    logger,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    onQueued: (wake) => planEvents.onDeliveriesQueued(wake),
  }).start(WEBHOOK_POLL_MS);
  // Not app.listen: Express 5 calls its callback on a listen error too, so a port already
  // taken looked like a running API.
  const server = createServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, () => resolve());
    });
  } catch (err) {
    await reconciler.stop();
    await webhooks.stop();
    await planEvents.close();
    await temporal.connection.close();
    await db.destroy();
    await healthDb.destroy();
    throw (err as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? new ConfigError(
          `port ${config.PORT} on ${config.HOST} is already in use (is Errand already running?); set PORT to another`,
        )
      : err;
  }
  return {
    server,
    close: async () => {
      // New connections are refused and idle keep-alive ones closed; requests in flight finish.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Open plan streams end (their clients resume with Last-Event-ID), so close can finish.
      shutdown.abort();
      // A request still running after the grace time is cut off rather than holding the exit.
      const cutOff = setTimeout(
        () => server.closeAllConnections(),
        config.ERRAND_SHUTDOWN_GRACE_MS,
      );
      await closed;
      clearTimeout(cutOff);
      await reconciler.stop();
      await webhooks.stop();
      await planEvents.close();
      await temporal.connection.close();
      await db.destroy();
      await healthDb.destroy();
    },
  };
}

async function main(): Promise<void> {
  const loaded = loadConfig(process.env);
  const database = await openDatabaseServer({ url: loaded.DATABASE_URL, log: console.log });
  const config = { ...loaded, DATABASE_URL: database.url };
  const logger = buildLogger(config);
  logPayloadEncryption(config, logger);
  const api = await startApi(config, database.kind);
  console.log(`Errand API on http://${config.HOST}:${config.PORT}`);
  let stopping = false;
  const shutdown = async () => {
    // A second signal (npm passes Ctrl-C on) must not start a second close.
    if (stopping) return;
    stopping = true;
    logger.info('shutting down: draining HTTP requests');
    await api.close();
    await database.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}
