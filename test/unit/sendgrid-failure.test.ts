import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  MessageRejectedError,
  ProviderConnectionError,
  ProviderUnavailableError,
} from '../../src/activities/errors';
import {
  retryAfterMs,
  sendgridFailure,
  vendorMessage,
  RETRY_AFTER_MAX_MS,
  RETRY_AFTER_MIN_MS,
} from '../../src/providers/sendgrid-failure';

const NOW = new Date('2030-01-01T00:00:00Z');
const answered = (code: number, body: unknown = {}, headers: Record<string, string> = {}) => ({
  code,
  response: { headers, body },
});

describe('retryAfterMs', () => {
  it.each([
    ['seconds', '7', 7_000],
    ['an HTTP date', 'Tue, 01 Jan 2030 00:00:30 GMT', 30_000],
    ['a long wait, capped', '86400', RETRY_AFTER_MAX_MS],
    ['zero, raised to the minimum', '0', RETRY_AFTER_MIN_MS],
    ['a date in the past', 'Mon, 31 Dec 2029 00:00:00 GMT', RETRY_AFTER_MIN_MS],
    ['nothing', undefined, RETRY_AFTER_MIN_MS],
    ['nonsense', 'soon', RETRY_AFTER_MIN_MS],
  ])('reads %s', (_name, header, ms) => {
    expect(retryAfterMs(header, NOW)).toBe(ms);
  });
});

describe('vendorMessage', () => {
  it("joins SendGrid's errors with their fields and bounds the length", () => {
    expect(
      vendorMessage({
        errors: [
          { message: 'bad', field: 'from' },
          { message: 'worse', field: null },
        ],
      }),
    ).toBe('from: bad; worse');
    expect(vendorMessage({ errors: [{ message: 'x'.repeat(5_000) }] }).length).toBeLessThanOrEqual(
      501,
    );
    expect(vendorMessage('<html>')).toBe('no reason given');
    expect(vendorMessage({ errors: [{ message: 'a\u0000b\uD800' }] })).toBe('ab\uFFFD');
  });
});

describe('sendgridFailure', () => {
  it.each([
    [401, ProviderConnectionError],
    [403, ProviderConnectionError],
    [400, MessageRejectedError],
    [413, MessageRejectedError],
    [500, ProviderUnavailableError],
    [503, ProviderUnavailableError],
  ])('maps %i', (code, type) => {
    expect(sendgridFailure(answered(code), NOW)).toBeInstanceOf(type);
  });

  it('throttles a 429 for its Retry-After, retryably', () => {
    const failure = sendgridFailure(answered(429, {}, { 'retry-after': '5' }), NOW);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: 'ProviderThrottledError',
      nonRetryable: false,
      nextRetryDelay: 5_000,
    });
  });

  it('retries a network failure and refuses what the SDK could not build', () => {
    expect(sendgridFailure({ isAxiosError: true, code: 'ECONNRESET' }, NOW)).toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(sendgridFailure(new Error('Provide at least one of to, cc or bcc'), NOW)).toBeInstanceOf(
      MessageRejectedError,
    );
  });
});
