import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database';

export interface DbConfig {
  url: string;
  /** Connections in the pool; the worker sizes its activity concurrency to match. */
  maxConnections?: number;
  /** How long a query may wait for a free or new connection before it fails (and is retried). */
  connectTimeoutMs?: number;
  /** Server-side limit on one statement. */
  statementTimeoutMs?: number;
  /** Told about connections that broke while idle (a restart, a terminated backend). */
  onError?: (err: Error) => void;
}

export const DB_DEFAULTS = {
  maxConnections: 10,
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 15_000,
} as const;

/**
 * Builds the kysely instance; the caller owns it and calls `db.destroy()`.
 *
 * A pool without an 'error' listener takes the process down when Postgres
 * restarts or a backend is terminated while a connection sits idle; here that
 * connection is dropped and the next query opens a new one. Timeouts turn an
 * unreachable server into errors that retry, instead of queries that hang.
 */
export function createDb(config: DbConfig): Kysely<Database> {
  const statementTimeout = config.statementTimeoutMs ?? DB_DEFAULTS.statementTimeoutMs;
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.maxConnections ?? DB_DEFAULTS.maxConnections,
    connectionTimeoutMillis: config.connectTimeoutMs ?? DB_DEFAULTS.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    statement_timeout: statementTimeout,
    // The client gives up a little after the server would have, so a dead socket cannot hang a query.
    query_timeout: statementTimeout + 5_000,
    idle_in_transaction_session_timeout: statementTimeout * 2,
  });
  const report = (err: Error) => config.onError?.(err);
  pool.on('error', report);
  // The pool listens only to idle clients; a client broken while checked out
  // (mid-transaction) would otherwise throw its 'error' event at the process.
  pool.on('connect', (client) => client.on('error', report));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
