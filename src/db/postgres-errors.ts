import pg from 'pg';

/**
 * SQLSTATE classes that describe the statement or its data, not the server's
 * state: the same write fails the same way however often it is retried.
 * 22 data exception (e.g. 22P05, a `\u0000` in jsonb), 23 integrity constraint
 * violation, 42 syntax error or undefined object, 54 program limit exceeded
 * (e.g. a value too large), 0A feature not supported.
 */
const PERMANENT_CLASSES = ['22', '23', '42', '54', '0A'];

/** The SQLSTATE of a Postgres error, or undefined for anything else (a lost connection, a timeout). */
export function sqlStateOf(err: unknown): string | undefined {
  return err instanceof pg.DatabaseError ? err.code : undefined;
}

/**
 * True when Postgres refused a statement for what it says, so a retry cannot
 * succeed. Connection failures, timeouts, deadlocks, serialization failures
 * and a server shutting down are not permanent.
 */
export function isPermanentPostgresError(err: unknown): boolean {
  const code = sqlStateOf(err);
  return code !== undefined && PERMANENT_CLASSES.includes(code.slice(0, 2));
}
