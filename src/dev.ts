import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startApi } from './api/server';
import {
  buildActivityDeps,
  buildDb,
  buildTemporalClient,
  buildWorkerConnection,
  installWorkerRuntime,
} from './clients';
import { ConfigError, loadConfig } from './config';
import { ensureDatabase, migrateToLatest } from './db/migrate';
import {
  startDevServer,
  temporalAnswers,
  temporalCliPath,
  type DevServer,
} from './temporal/dev-server';
import { ensureTenant } from './tenants/tenants-repository';
import { createErrandWorker } from './worker';

/**
 * `npm start`: Errand on its built-in defaults — a Temporal dev server on a
 * database file with the Web UI, migrated Postgres, the worker and the API in
 * one process.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  installWorkerRuntime(config);
  await ensureDatabase(config.DATABASE_URL);
  const db = buildDb(config);
  await migrateToLatest(db);
  await ensureTenant(db, {
    id: config.ERRAND_DEFAULT_TENANT,
    name: 'Development tenant',
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  });

  let server: DevServer | null = null;
  const external = process.env.TEMPORAL_ADDRESS !== undefined;
  if (!external && !(await temporalAnswers(config.TEMPORAL_ADDRESS))) {
    const dataDir = fileURLToPath(new URL('../.errand', import.meta.url));
    mkdirSync(dataDir, { recursive: true });
    console.log('Starting the Temporal dev server...');
    server = await startDevServer({
      executable: temporalCliPath(),
      port: Number(config.TEMPORAL_ADDRESS.split(':').pop()),
      uiPort: Number(new URL(config.TEMPORAL_UI_URL).port || 8233),
      dbFile: `${dataDir}/temporal.db`,
      namespace: config.TEMPORAL_NAMESPACE,
    });
  }

  const connection = await buildWorkerConnection(config);
  const temporal = await buildTemporalClient(config);
  const worker = await createErrandWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: buildActivityDeps(config, db, temporal),
  });
  const running = worker.run();
  const api = await startApi(config);

  const base = `http://${config.HOST}:${config.PORT}`;
  console.log(`
Errand is running.
  API:             ${base}
  Temporal Web UI: ${config.TEMPORAL_UI_URL}
  Tenant:          ${config.ERRAND_DEFAULT_TENANT}

Try a plan (book a demo, email the join link, remind an hour before):
${demoCurl(base)}
Then follow it:
  curl -s ${base}/v1/plans/<plan_id>
  curl -s ${base}/v1/calendar/events
  curl -s ${base}/v1/outbox
`);

  const shutdown = async () => {
    worker.shutdown();
    await running.catch(() => undefined);
    await api.close();
    await connection.close();
    await temporal.connection.close();
    await db.destroy();
    await server?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  await running;
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});

/** A copy-paste example whose meeting is tomorrow at 15:00 local time. */
function demoCurl(base: string): string {
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
  const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`;
  const plan = {
    intent:
      'Book a demo with john@example.com tomorrow at 3pm, email him the link, remind me an hour before',
    actions: [
      {
        type: 'book_meeting',
        params: {
          title: 'Demo with John',
          time: `${day}T15:00:00`,
          attendees: ['john@example.com'],
        },
      },
      { type: 'send_email', use_result_from: 0, params: { template: 'meeting_invite' } },
      { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1h' } },
    ],
  };
  return `  curl -s ${base}/v1/plans -H 'content-type: application/json' -d '${JSON.stringify(plan)}'\n`;
}
