import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres } from './embedded-postgres';

/** Which Postgres Errand uses: the one it starts itself, or one named by DATABASE_URL. */
export type DatabaseKind = 'embedded' | 'external';

export interface DatabaseServer {
  url: string;
  kind: DatabaseKind;
  /** Stops the embedded server when this process owns it; otherwise does nothing. */
  stop(): Promise<void>;
}

export interface DatabaseServerConfig {
  /** DATABASE_URL: when set, that server is used and nothing is started. */
  url?: string;
  /** The database to use on the embedded server. */
  database?: string;
  /** The embedded server's data directory; `.errand/postgres` of the project by default. */
  dataDir?: string;
  log?: (line: string) => void;
}

export const EMBEDDED_DATA_DIR = fileURLToPath(new URL('../../.errand/postgres', import.meta.url));

/**
 * The Postgres for this process: DATABASE_URL when set, otherwise the embedded
 * server in `.errand/postgres`, found running or started (and stopped by `stop`).
 *
 * @example const database = await openDatabaseServer({ url: config.DATABASE_URL, log: console.log });
 */
export async function openDatabaseServer(config: DatabaseServerConfig): Promise<DatabaseServer> {
  if (config.url) return { url: config.url, kind: 'external', stop: async () => undefined };
  const server = await startEmbeddedPostgres({
    dataDir: config.dataDir ?? EMBEDDED_DATA_DIR,
    log: config.log,
  });
  return {
    url: server.url(config.database ?? 'errand'),
    kind: 'embedded',
    stop: () => server.stop(),
  };
}
