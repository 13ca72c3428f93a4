import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { buildCalendar, buildDb, buildLogger, buildPlanner, buildTemporalClient } from '../clients';
import { ConfigError, loadConfig, type Config } from '../config';
import { createApp } from './app';

/** Starts the API on the configured port; resolves once it listens. */
export async function startApi(
  config: Config,
): Promise<{ server: Server; close: () => Promise<void> }> {
  const logger = buildLogger(config);
  const db = buildDb(config, logger);
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
    allowPrivateNetwork: config.ERRAND_ALLOW_PRIVATE_NETWORK,
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  Promise.resolve()
    .then(() => loadConfig(process.env))
    .then(async (config) => {
      await startApi(config);
      return config;
    })
    .then((config) => console.log(`Errand API on http://${config.HOST}:${config.PORT}`))
    .catch((err: unknown) => {
      console.error(err instanceof ConfigError ? err.message : err);
      process.exit(1);
    });
}
