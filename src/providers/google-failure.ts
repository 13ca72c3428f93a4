import {
  ProviderConnectionError,
  ProviderUnavailableError,
  providerThrottled,
} from '../activities/errors';
import { OutboundRequestError } from '../net/outbound-request-error';
import { postgresSafeText } from '../plan/postgres-safe';
import { retryAfterMs } from './sendgrid-failure';

const VENDOR_MESSAGE_CHARS = 500;

/** What a GaxiosError carries that matters here. */
interface GoogleError {
  status?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  config?: { url?: unknown };
  response?: { status?: number; data?: unknown; headers?: unknown };
}

/** Google APIs' `{"error":{"message","errors":[{"reason"}]}}` and the token endpoint's `{"error","error_description"}`. */
function googleBody(data: unknown): { message: string; reason?: string; error?: string } {
  const body = (typeof data === 'string' ? safeJson(data) : data) as {
    error?: unknown;
    error_description?: unknown;
  } | null;
  const error = body?.error;
  if (typeof error === 'string') {
    const description = body?.error_description;
    return {
      error,
      message: bounded(typeof description === 'string' ? `${error}: ${description}` : error),
    };
  }
  const api = (error ?? {}) as { message?: unknown; errors?: { reason?: unknown }[] };
  const reason = Array.isArray(api.errors) ? api.errors[0]?.reason : undefined;
  return {
    message: bounded(typeof api.message === 'string' ? api.message : 'no reason given'),
    reason: typeof reason === 'string' ? reason : undefined,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Kept as the connection's last error too, so it must be storable. */
function bounded(text: string): string {
  const safe = postgresSafeText(text);
  return safe.length > VENDOR_MESSAGE_CHARS ? `${safe.slice(0, VENDOR_MESSAGE_CHARS)}…` : safe;
}

function headerOf(headers: unknown, name: string): unknown {
  if (headers && typeof (headers as Headers).get === 'function')
    return (headers as Headers).get(name);
  return (headers as Record<string, unknown> | undefined)?.[name];
}

function refusal(error: unknown): OutboundRequestError | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 6; depth++) {
    if (e instanceof OutboundRequestError) return e;
    e = (e as GoogleError).cause;
  }
  return undefined;
}

/** The HTTP status of a failed call to Google, when Google answered. */
export function googleStatus(err: unknown): number | undefined {
  const error = (err ?? {}) as GoogleError;
  const status = error.response?.status ?? error.status;
  return typeof status === 'number' ? status : undefined;
}

/** Whether the token endpoint refused the refresh token: the grant was revoked or expired. */
export function isInvalidGrant(err: unknown): boolean {
  const error = (err ?? {}) as GoogleError;
  return googleBody(error.response?.data).error === 'invalid_grant';
}

/** Google's own words for a failed call, bounded. */
export function googleMessage(err: unknown): string {
  return googleBody(((err ?? {}) as GoogleError).response?.data).message;
}

export interface GoogleFailureContext {
  /** "Google Calendar", "Gmail": who refused, in the message. */
  service: string;
  /** How the tenant reconnects, for failures only a new grant can fix. */
  reconnect: string;
  /** The error a request Google refused for its content becomes (non-retryable). */
  rejected: (message: string) => Error;
  now: Date;
}

/**
 * The error a failed call to Google becomes: 401 (after the client's one
 * refresh) and 403 for missing permissions a ProviderConnectionError; 429 and
 * 403 rate limits a throttle honouring Retry-After; 5xx and no answer
 * retryable; any other 4xx the caller's rejection with Google's message.
 * `invalid_grant` is the caller's to handle first (it revokes the connection).
 */
export function googleFailure(err: unknown, context: GoogleFailureContext): Error {
  const error = (err ?? {}) as GoogleError;
  const refused = refusal(error);
  if (refused && !refused.retryable) {
    return new ProviderConnectionError(
      `${context.service} cannot be reached under this deployment's network policy: ${refused.message}`,
    );
  }
  const status = googleStatus(error);
  if (status === undefined) {
    return new ProviderUnavailableError(
      `${context.service} could not be reached (${refused?.message ?? (typeof error.code === 'string' ? error.code : 'no answer')})`,
    );
  }
  const { message, reason } = googleBody(error.response?.data);
  if (status === 429 || reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded') {
    return providerThrottled(
      `${context.service} is rate-limiting this account (${status}: ${message})`,
      retryAfterMs(headerOf(error.response?.headers, 'retry-after'), context.now),
    );
  }
  if (status >= 500) {
    return new ProviderUnavailableError(`${context.service} failed on its side (${status})`);
  }
  if (
    status === 401 ||
    (status === 403 && /insufficient|scope|permission/i.test(`${reason} ${message}`))
  ) {
    return new ProviderConnectionError(
      `${context.service} refused the tenant's Google authorization (${status}: ${message}); ${context.reconnect}`,
    );
  }
  return context.rejected(`${context.service} refused the request (${status}): ${message}`);
}
