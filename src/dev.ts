import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { freeSlots } from './activities/free-slots';
import { startApi } from './api/server';
import { buildCalendar, buildDb, buildLogger, installWorkerRuntime } from './clients';
import { ConfigError, loadConfig } from './config';
import { openDatabaseServer } from './db/database-server';
import { ensureDatabase, migrateToLatest } from './db/migrate';
import type { CalendarProvider } from './providers/calendar-provider';
import { startDevServer, temporalAnswers, temporalCliPath } from './temporal/dev-server';
import { registerSearchAttributes } from './temporal/register-search-attributes';
import { ensureTenant, type Tenant } from './tenants/tenants-repository';
import { startWorker } from './worker';
import { BUILT_IN_PEPPER } from './auth/api-key';
import { ensureDevCredentials } from './dev-credentials';
import { ensureDevEncryptionKeys } from './dev-encryption-keys';

/**
 * `npm start`: Errand on its built-in defaults — a Temporal dev server on a
 * database file with the Web UI, migrated Postgres (the embedded one unless
 * DATABASE_URL names another), the worker and the API in one process.
 */
async function main(): Promise<void> {
  const loaded = loadConfig(process.env);
  await installWorkerRuntime(loaded);
  const database = await openDatabaseServer({ url: loaded.DATABASE_URL, log: console.log });
  stops.push(() => database.stop());
  const dataDir = fileURLToPath(new URL('../.errand', import.meta.url));
  mkdirSync(dataDir, { recursive: true });
  const config = {
    ...loaded,
    DATABASE_URL: database.url,
    ERRAND_ENCRYPTION_KEYS:
      loaded.ERRAND_ENCRYPTION_KEYS ?? ensureDevEncryptionKeys(`${dataDir}/encryption-keys`),
  };
  await ensureDatabase(config.DATABASE_URL);
  const db = buildDb(config, buildLogger(config));
  stops.push(() => db.destroy());
  await migrateToLatest(db);
  const tenant = await ensureTenant(db, {
    id: config.ERRAND_DEFAULT_TENANT,
    name: 'Development tenant',
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  });

  const credentials = await ensureDevCredentials(db, {
    path: `${dataDir}/credentials.json`,
    tenant: tenant.id,
    pepper: config.ERRAND_KEY_PEPPER ?? BUILT_IN_PEPPER,
    configuredOperatorKey: config.ERRAND_OPERATOR_KEY,
  });
  const external = process.env.TEMPORAL_ADDRESS !== undefined;
  if (!external && !(await temporalAnswers(config.TEMPORAL_ADDRESS))) {
    console.log('Starting the Temporal dev server...');
    const server = await startDevServer({
      executable: temporalCliPath(),
      port: Number(config.TEMPORAL_ADDRESS.split(':').pop()),
      uiPort: Number(new URL(config.TEMPORAL_UI_URL).port || 8233),
      dbFile: `${dataDir}/temporal.db`,
      namespace: config.TEMPORAL_NAMESPACE,
    });
    stops.push(() => server.stop());
  }
  if (!external) {
    const added = await registerSearchAttributes(
      config.TEMPORAL_ADDRESS,
      config.TEMPORAL_NAMESPACE,
    );
    if (added.length) console.log(`Registered the search attributes ${added.join(', ')}.`);
  }

  const worker = await startWorker(config, db);
  stops.push(() => worker.stop());
  const api = await startApi(
    { ...config, ERRAND_OPERATOR_KEY: credentials.operatorKey },
    database.kind,
  );
  stops.push(() => api.close());

  const base = `http://${config.HOST}:${config.PORT}`;
  const auth = `-H 'authorization: Bearer ${credentials.key}'`;
  console.log(`
Errand is running.
  API:             ${base}
  Temporal Web UI: ${config.TEMPORAL_UI_URL}
  Postgres:        ${database.url} (${database.kind})
  Tenant:          ${config.ERRAND_DEFAULT_TENANT}
  Admin key:       ${credentials.key}
                   (${credentials.created ? 'new; ' : ''}saved in .errand/credentials.json, which the errand CLI reads)
  Payloads:        encrypted in Temporal (${loaded.ERRAND_ENCRYPTION_KEYS ? 'ERRAND_ENCRYPTION_KEYS' : 'key in .errand/encryption-keys'}); to read a run's:
                   temporal workflow show -w <workflow_id> --codec-endpoint ${base}/codec --codec-auth 'Bearer <operator_key in .errand/credentials.json>'

Try a plan (book a demo, email the join link, remind an hour before):
${await demoCurl(base, buildCalendar(config, db), tenant, auth)}
Then follow it:
  curl -s ${base}/v1/plans/<plan_id> ${auth}
  curl -s ${base}/v1/calendar/events ${auth}
  curl -s ${base}/v1/outbox ${auth}
`);

  await worker.running;
}

/** What has been started so far, stopped in reverse order: the API first, the database last. */
const stops: (() => Promise<void>)[] = [];
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const stop of stops.reverse()) {
    await stop().catch((err: unknown) => console.error(err));
  }
  process.exit(code);
}

// Listened for from the first line, so a signal during start-up still stops what has started,
// and for good (not once), so a second signal (npm and tsx pass Ctrl-C on) cannot cut the shutdown short.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void shutdown(0));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  void shutdown(1);
});

/**
 * A copy-paste example booking the first free half hour from 15:00 tomorrow
 * (in the tenant's zone), so it completes on a calendar that earlier runs filled.
 */
async function demoCurl(
  base: string,
  calendar: CalendarProvider,
  tenant: Tenant,
  auth: string,
): Promise<string> {
  const tz = tenant.timezone;
  const tomorrow = DateTime.now().setZone(tz).plus({ days: 1 }).startOf('day');
  const from = tomorrow.set({ hour: 15 }).toJSDate();
  const to = tomorrow.plus({ days: 7 }).toJSDate();
  const busy = await calendar.busy(tenant.id, from, to);
  const weekdays = { ...tenant.settings.working_hours, days: [1, 2, 3, 4, 5, 6, 7] };
  const [slot] = freeSlots({
    from,
    to,
    durationMinutes: 30,
    timezone: tz,
    workingHours: weekdays,
    busy,
  });
  const time = DateTime.fromJSDate(slot?.start ?? from)
    .setZone(tz)
    .toFormat("yyyy-MM-dd'T'HH:mm:ss");
  const plan = {
    intent:
      'Book a demo with john@example.com tomorrow at 3pm, email him the link, remind me an hour before',
    actions: [
      {
        type: 'book_meeting',
        params: { title: 'Demo with John', time, attendees: ['john@example.com'] },
      },
      { type: 'send_email', use_result_from: 0, params: { template: 'meeting_invite' } },
      { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1h' } },
    ],
  };
  return `  curl -s ${base}/v1/plans ${auth} -H 'content-type: application/json' -d '${JSON.stringify(plan)}'\n`;
}
