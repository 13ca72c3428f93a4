/**
 * Every code an `errand` command exits with. 0–3 keep the meaning they had
 * before the operator commands; scripts may rely on each.
 */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** The API could not be reached, timed out, or failed (5xx, 429), or answered what the CLI cannot read. */
  failure: 1,
  /** Bad usage: a missing or unknown argument, or a request the API refused as invalid (400). */
  usage: 2,
  /** `errand plan`: the intent cannot be planned. */
  cannotPlan: 3,
  /** The plan (or other record) does not exist, or is not this key's to see (404). */
  notFound: 4,
  /** The key is missing, wrong, revoked, or may not do this (401, 403). */
  refused: 5,
  /** Not allowed now: e.g. approving a plan that is not waiting, cancelling one that ended (409, 422). */
  conflict: 6,
  /** `errand plans watch`: the plan ended, but not completed (failed, rejected, expired or cancelled). */
  planNotCompleted: 7,
  /** Interrupted by Ctrl-C (SIGINT), as shells report it. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code of an API answer that is not a success. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 400 || status === 413 || status === 415) return EXIT.usage;
  if (status === 401 || status === 403) return EXIT.refused;
  if (status === 404) return EXIT.notFound;
  if (status === 409 || status === 422) return EXIT.conflict;
  return EXIT.failure;
}

export const EXIT_CODES_USAGE = `exit codes: 0 ok, 1 failure (API unreachable, timed out, 5xx or 429), 2 usage (or 400),
  3 cannot plan (errand plan), 4 not found (404), 5 refused (401/403: bad key or role),
  6 not allowed now (409/422: e.g. the plan is not awaiting approval, or has ended),
  7 watch: the plan ended failed, rejected, expired or cancelled, 130 interrupted (Ctrl-C)`;
