import type { RequestHandler } from 'express';
import { HttpError } from './http-error';

/**
 * Admits at most `maxInFlight` requests at once and refuses the rest at once
 * with 503 `overloaded` and `Retry-After`, before they touch Postgres: under a
 * burst, requests beyond what the pool can serve would otherwise queue for a
 * connection until they time out, and every request behind them would wait too.
 */
export function admission(input: { maxInFlight: number; retryAfterSeconds?: number }) {
  let inFlight = 0;
  const retryAfter = String(input.retryAfterSeconds ?? 1);
  const handler: RequestHandler = (_req, res, next) => {
    if (inFlight >= input.maxInFlight) {
      next(
        new HttpError(
          503,
          'overloaded',
          `Errand is serving ${inFlight} requests, its limit; retry after ${retryAfter} s`,
          [],
          { 'retry-after': retryAfter },
        ),
      );
      return;
    }
    inFlight += 1;
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      inFlight -= 1;
    };
    // A long-lived response (a plan's event stream) leaves once it has started.
    res.locals.leaveAdmission = leave;
    // 'close' fires once for every response, finished or cut off.
    res.once('close', leave);
    next();
  };
  return { handler, inFlight: () => inFlight };
}
