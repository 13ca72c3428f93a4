import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { buildCalendar, buildDb, buildPlanner, buildTemporalClient } from '../clients';
import { ConfigError, loadConfig, type ConnectedConfig } from '../config';
import { openDatabaseServer, type DatabaseKind } from '../db/database-server';
import { createApp } from './app';

/** Starts the API on the configured port; resolves once it listens. */
export async function startApi(
  config: ConnectedConfig,
  databaseKind: DatabaseKind,
): Promise<{ server: Server; close: () => Promise<void> }> {
  const logger = pino({ level: config.LOG_LEVEL });
  const db = buildDb(config);
  const temporal = await buildTemporalClient(config);
  const app = createApp({
    db,
    temporal,
    calendar: buildCalendar(config, db),
    planner: buildPlanner(config),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    logger,
    defaultTenant: config.ERRAND_DEFAULT_TENANT,
    bodyLimit: config.ERRAND_BODY_LIMIT,
    webUiUrl: config.TEMPORAL_UI_URL,
    databaseKind,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  return {
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await temporal.connection.close();
      await db.destroy();
    },
  };
}

async function main(): Promise<void> {
  const loaded = loadConfig(process.env);
  const database = await openDatabaseServer({ url: loaded.DATABASE_URL, log: console.log });
  const config = { ...loaded, DATABASE_URL: database.url };
  const api = await startApi(config, database.kind);
  console.log(`Errand API on http://${config.HOST}:${config.PORT}`);
  const shutdown = async () => {
    await api.close();
    await database.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}
