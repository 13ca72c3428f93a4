import { ApplicationFailure } from '@temporalio/common';
import {
  MessageRejectedError,
  ProviderConnectionError,
  ProviderUnavailableError,
} from '../activities/errors';
import { OutboundRequestError } from '../net/outbound-request-error';
import { postgresSafeText } from '../plan/postgres-safe';

const VENDOR_MESSAGE_CHARS = 500;

/** What twilio's RestException carries: the HTTP status, and Twilio's own code and words. */
interface RestFailure {
  status?: unknown;
  code?: unknown;
  message?: unknown;
}

/** Twilio's `{"code": 21211, "message": "..."}` in a line of bounded length, storable in Postgres. */
export function twilioMessage(error: RestFailure): string {
  const words =
    typeof error.message === 'string' && error.message ? error.message : 'no reason given';
  const code = typeof error.code === 'number' ? ` (Twilio error ${error.code})` : '';
  const text = postgresSafeText(`${words}${code}`);
  return text.length > VENDOR_MESSAGE_CHARS ? `${text.slice(0, VENDOR_MESSAGE_CHARS)}…` : text;
}

/**
 * The error a failed Twilio request becomes: 401/403 a ProviderConnectionError
 * (the caller marks the connection failing), 429 a throttle retried on the
 * delivery step's exponential backoff (Twilio sends no Retry-After), 5xx or
 * no answer a retryable error, any other 4xx a MessageRejectedError with
 * Twilio's words.
 */
export function twilioFailure(err: unknown): Error {
  if (err instanceof OutboundRequestError) {
    if (!err.retryable) {
      return new ProviderConnectionError(
        `Twilio's base_url cannot be used: ${err.message}; fix it with PUT /v1/connections/twilio`,
      );
    }
    return new ProviderUnavailableError(`Twilio could not be reached (${err.message})`);
  }
  const error = (err ?? {}) as RestFailure;
  const status = typeof error.status === 'number' ? error.status : undefined;
  if (status === undefined) {
    // An answer that was not Twilio's JSON, or the SDK refusing the request before sending it.
    return new ProviderConnectionError(
      `Twilio's base_url answered something other than Twilio's API (${String(
        (err as Error)?.message ?? err,
      ).slice(0, 200)}); check it with PUT /v1/connections/twilio`,
    );
  }
  if (status === 401 || status === 403) {
    return new ProviderConnectionError(
      `Twilio refused the tenant's credentials (${status}: ${twilioMessage(error)}); ` +
        'put a valid Account SID and auth token with PUT /v1/connections/twilio',
    );
  }
  if (status === 429) {
    return ApplicationFailure.create({
      type: 'ProviderThrottledError',
      message: `Twilio is rate-limiting this account (429: ${twilioMessage(error)})`,
      nonRetryable: false,
    });
  }
  if (status >= 500) return new ProviderUnavailableError(`Twilio failed on its side (${status})`);
  return new MessageRejectedError(
    `Twilio refused the message (${status}): ${twilioMessage(error)}`,
  );
}
