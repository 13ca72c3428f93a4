import type { RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { countRequest, forgetRequestCountsBefore } from '../db/request-counts-repository';
import { HttpError } from './http-error';
import { principalOf } from './tenant-context';

const WINDOW_MS = 60_000;

/** Where request counts are kept: Postgres in the app, anything in a test. */
export interface RequestCounter {
  /** Counts one request and returns how many `key` made in the window so far. */
  count(key: string, windowStart: Date): Promise<number>;
  /** Drops windows that ended before `before`; best effort. */
  forget(before: Date): Promise<void>;
}

export function postgresRequestCounter(db: Kysely<Database>): RequestCounter {
  return {
    count: (key, windowStart) => countRequest(db, key, windowStart),
    forget: (before) => forgetRequestCountsBefore(db, before),
  };
}

export interface KeyRateLimitDeps {
  /** Requests per key per minute; ERRAND_KEY_REQUESTS_PER_MINUTE. */
  perMinute: number;
  counter: RequestCounter;
  now: () => Date;
  logger: Logger;
}

/**
 * Limits requests per API key (the operator key counts as one key) to
 * `perMinute` in fixed one-minute windows, counted in Postgres so every API
 * process shares the count. Every answer carries RateLimit-Limit,
 * RateLimit-Remaining and RateLimit-Reset; one over the limit is a 429 with
 * Retry-After, until the window ends.
 *
 * When the count cannot be written the request goes on (fail open) and the
 * failure is logged: the limit guards capacity, and a request that gets this
 * far has just read its key from the same Postgres, so refusing it would turn
 * a hiccup of the counter into an outage of the API. A Postgres that is
 * really down fails the request further on, as a 503.
 */
export function keyRateLimit(deps: KeyRateLimitDeps): RequestHandler {
  let forgottenUpTo = 0;
  return async (req, res, next) => {
    const principal = principalOf(res);
    // A JWT user is counted per tenant and user, as a key is per key.
    const key =
      principal.kind === 'operator'
        ? 'operator'
        : principal.kind === 'jwt'
          ? `jwt:${principal.tenant}:${principal.user}`
          : `key:${principal.key_id}`;
    const now = deps.now().getTime();
    const windowStart = now - (now % WINDOW_MS);
    const resetS = Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000));
    let used: number;
    try {
      used = await deps.counter.count(key, new Date(windowStart));
    } catch (err) {
      (req.log ?? deps.logger).warn(
        { err, rate_limit_key: key },
        'the request count could not be written; the request goes on unlimited',
      );
      next();
      return;
    }
    if (windowStart > forgottenUpTo) {
      // Once a window per process: the windows before the last are never read again.
      forgottenUpTo = windowStart;
      deps.counter.forget(new Date(windowStart - WINDOW_MS)).catch((err: unknown) => {
        deps.logger.warn({ err }, 'old request counts could not be deleted');
      });
    }
    res.set({
      'ratelimit-limit': String(deps.perMinute),
      'ratelimit-remaining': String(Math.max(0, deps.perMinute - used)),
      'ratelimit-reset': String(resetS),
      'ratelimit-policy': `${deps.perMinute};w=60`,
    });
    if (used > deps.perMinute) {
      next(
        new HttpError(
          429,
          'request_rate_exceeded',
          `this key made more than ${deps.perMinute} requests this minute; retry in ${resetS} s`,
          [],
          { 'retry-after': String(resetS) },
        ),
      );
      return;
    }
    next();
  };
}
