import type { CliFailure } from './api-client';
import { EXIT } from './exit-codes';
import type { CliIo } from './plan-command';

/**
 * Prints a failed command: readably on stderr and, for --json, the API's
 * error body as the one document on stdout, so a script can read its code.
 * Answers the exit code.
 */
export function printFailure(io: CliIo, failure: CliFailure, json: boolean): number {
  if (failure.exit === EXIT.interrupted) return failure.exit;
  io.err(failure.message);
  if (json && failure.body !== undefined) io.out(JSON.stringify(failure.body));
  return failure.exit;
}
