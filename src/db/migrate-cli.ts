import { buildDb, buildLogger } from '../clients';
import { ConfigError, loadConfig } from '../config';
import { ensureTenant } from '../tenants/tenants-repository';
import { openDatabaseServer } from './database-server';
import { ensureDatabase, migrateToLatest } from './migrate';

/** `npm run migrate`: migrates DATABASE_URL (or the embedded Postgres) and makes sure the default tenant exists. */
async function main(): Promise<void> {
  const loaded = loadConfig(process.env);
  const database = await openDatabaseServer({ url: loaded.DATABASE_URL, log: console.log });
  const config = { ...loaded, DATABASE_URL: database.url };
  if (database.kind === 'embedded') await ensureDatabase(config.DATABASE_URL);
  const db = buildDb(config, buildLogger(config));
  try {
    const { results } = await migrateToLatest(db);
    for (const r of results ?? []) console.log(`${r.status}: ${r.migrationName}`);
    await ensureTenant(db, { id: config.ERRAND_DEFAULT_TENANT });
  } finally {
    await db.destroy();
    await database.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
