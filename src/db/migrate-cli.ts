import { buildDb, buildLogger } from '../clients';
import { ConfigError, loadConfig } from '../config';
import { ensureTenant } from '../tenants/tenants-repository';
import { migrateToLatest } from './migrate';

/** `npm run migrate`: migrates DATABASE_URL and makes sure the default tenant exists. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const db = buildDb(config, buildLogger(config));
  try {
    const { results } = await migrateToLatest(db);
    for (const r of results ?? []) console.log(`${r.status}: ${r.migrationName}`);
    await ensureTenant(db, { id: config.ERRAND_DEFAULT_TENANT });
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
