import {
  MessageRejectedError,
  ProviderConnectionError,
  ProviderUnavailableError,
  providerThrottled,
} from '../activities/errors';
import { OutboundRequestError } from '../net/outbound-request-error';
import { postgresSafeText } from '../plan/postgres-safe';

/** Retry-After is honoured within these bounds: a vendor cannot stall a step, nor make it hammer. */
export const RETRY_AFTER_MIN_MS = 1_000;
export const RETRY_AFTER_MAX_MS = 60_000;
const VENDOR_MESSAGE_CHARS = 500;

/** What the SDK's ResponseError and axios's errors carry that matters here. */
interface SendFailure {
  code?: unknown;
  response?: { headers?: Record<string, unknown>; body?: unknown; status?: number };
  cause?: unknown;
  message?: string;
}

/** SendGrid's `{"errors":[{"message","field"}]}`, in a line of bounded length. */
export function vendorMessage(body: unknown): string {
  const errors = (body as { errors?: unknown } | null)?.errors;
  const parts = Array.isArray(errors)
    ? errors.flatMap((e) => {
        const { message, field } = (e ?? {}) as { message?: unknown; field?: unknown };
        if (typeof message !== 'string') return [];
        return [typeof field === 'string' && field ? `${field}: ${message}` : message];
      })
    : [];
  // Kept as the connection's last error too, so it must be storable.
  const text = parts.length ? postgresSafeText(parts.join('; ')) : 'no reason given';
  return text.length > VENDOR_MESSAGE_CHARS ? `${text.slice(0, VENDOR_MESSAGE_CHARS)}…` : text;
}

/** Seconds or an HTTP date, bounded; an absent or unreadable header waits the minimum. */
export function retryAfterMs(header: unknown, now: Date): number {
  const text = typeof header === 'string' ? header.trim() : '';
  let ms = RETRY_AFTER_MIN_MS;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else if (text && !Number.isNaN(Date.parse(text))) ms = Date.parse(text) - now.getTime();
  return Math.min(RETRY_AFTER_MAX_MS, Math.max(RETRY_AFTER_MIN_MS, ms));
}

/** The network-policy refusal inside an axios error, if that is what it is. */
function refusal(error: SendFailure): OutboundRequestError | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof OutboundRequestError) return e;
    e = (e as SendFailure).cause;
  }
  return undefined;
}

/**
 * The error a failed send becomes, by what SendGrid answered: 401/403 a
 * ProviderConnectionError (the caller marks the connection failing), 429 a
 * throttle honouring Retry-After, 5xx or no answer a retryable error, any
 * other answer a MessageRejectedError with SendGrid's words.
 */
export function sendgridFailure(err: unknown, now: Date): Error {
  const error = (err ?? {}) as SendFailure;
  const status = typeof error.code === 'number' ? error.code : error.response?.status;
  const refused = refusal(error);
  if (refused && !refused.retryable) {
    return new ProviderConnectionError(
      `SendGrid's base_url cannot be used: ${refused.message}; fix it with PUT /v1/connections/sendgrid`,
    );
  }
  if (typeof status !== 'number' && !(error as { isAxiosError?: boolean }).isAxiosError) {
    // The SDK refused to build the request: nothing was sent, and the same message would fail again.
    return new MessageRejectedError(
      `the message cannot be sent through SendGrid: ${String(error.message).slice(0, VENDOR_MESSAGE_CHARS)}`,
    );
  }
  if (typeof status !== 'number') {
    return new ProviderUnavailableError(
      `SendGrid could not be reached (${refused?.message ?? (error as { code?: string }).code ?? 'no answer'})`,
    );
  }
  if (status === 401 || status === 403) {
    return new ProviderConnectionError(
      `SendGrid refused the tenant's API key (${status}: ${vendorMessage(error.response?.body)}); ` +
        'put a valid key with mail send permission with PUT /v1/connections/sendgrid',
    );
  }
  if (status === 429) {
    return providerThrottled(
      'SendGrid is rate-limiting this account (429)',
      retryAfterMs(error.response?.headers?.['retry-after'], now),
    );
  }
  if (status >= 500) return new ProviderUnavailableError(`SendGrid failed on its side (${status})`);
  if (status < 400) {
    return new ProviderConnectionError(
      `SendGrid's base_url answered ${status} instead of taking the message; check it with PUT /v1/connections/sendgrid`,
    );
  }
  return new MessageRejectedError(
    `SendGrid refused the message (${status}): ${vendorMessage(error.response?.body)}`,
  );
}
