import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database';

export interface DbConfig {
  url: string;
  /** Connections in the pool. */
  maxConnections?: number;
}

/** Builds the kysely instance; the caller owns it and calls `db.destroy()`. */
export function createDb(config: DbConfig): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: config.url, max: config.maxConnections ?? 10 });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
