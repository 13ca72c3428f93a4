import { postgresSafeText, postgresSafeWithin } from '../plan/postgres-safe';

/** Answers nested deeper than this are kept as text, so no later recursion (ours, JSON, Postgres) overflows. */
const MAX_DEPTH = 64;

/**
 * An answer body as a value to keep: its JSON with every string and key made
 * storable, or the storable text itself when it is not JSON or nests too deep.
 *
 * @example storableAnswer('{"ok\\u0000":1}') // { ok: 1 }
 */
export function storableAnswer(body: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return postgresSafeText(body);
  }
  return postgresSafeWithin(parsed, MAX_DEPTH) ?? postgresSafeText(body);
}
