const UNAVAILABLE_CODES = new Set([
  // Node socket errors
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  // Postgres: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, query_canceled (statement_timeout)
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '57014',
]);

// node-postgres raises these without a code, so only their text tells them apart.
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Query read timeout/,
  /is not queryable/,
];

/**
 * True when an error means Postgres could not be reached or went away
 * (a restart, a terminated backend, a timeout): worth a 503 and a retry,
 * never a 500 or a failed plan.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) {
    return true;
  }
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((re) => re.test(message));
}
