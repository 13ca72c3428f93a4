import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/database-unavailable';
import type { FieldError } from '../plan/field-error';

/** The one error the API throws; the middleware below turns it into JSON. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * A 5xx whose message is meant for the client: the deployment lacks something
 * only its operator can give (an encryption key), so "retry later" would mislead.
 */
export class DeploymentNotConfiguredError extends HttpError {
  constructor(code: string, message: string) {
    super(503, code, message);
    this.name = 'DeploymentNotConfiguredError';
  }
}

export const badRequest = (details: FieldError[], message = 'the request is invalid') =>
  new HttpError(400, 'invalid_request', message, details);

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);

/** 404 for any route the API does not serve. */
export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};

/** What a client is told for a server-side failure; the detail goes to the log only. */
const GENERIC: Record<number, string> = {
  503: 'the service is temporarily unavailable; retry later',
};

/**
 * Maps every error to `{"error":{"code","message","details","request_id"}}`.
 * Body-parser errors become 4xx. A 5xx never carries internals: its message is
 * generic and its details empty, and the error itself is logged with the
 * request id the body names.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const error = toHttpError(err);
    const internal = error.status >= 500 && !(error instanceof DeploymentNotConfiguredError);
    // An overloaded API refuses many requests a second: logging each would add to the load.
    if (internal && error.code !== 'overloaded')
      (req.log ?? logger).error({ err, request_id: req.id }, 'request failed');
    res
      .status(error.status)
      .set(error.headers)
      .json({
        error: {
          code: error.code,
          message: internal ? (GENERIC[error.status] ?? 'internal error') : error.message,
          details: internal ? [] : error.details,
          request_id: req.id === undefined ? null : String(req.id),
        },
      });
  };
}

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const type = (err as { type?: string } | null)?.type;
  if (type === 'entity.parse.failed') {
    return new HttpError(400, 'invalid_json', 'the body is not valid JSON', [
      { path: '', message: (err as Error).message },
    ]);
  }
  if (type === 'entity.too.large') {
    return new HttpError(413, 'body_too_large', 'the body is larger than the limit');
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new HttpError(415, 'unsupported_encoding', (err as Error).message);
  }
  if (type === 'request.aborted')
    return new HttpError(400, 'request_aborted', 'the request was aborted');
  // Express's own client errors (a path that does not decode, …) carry a 4xx status.
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, 'bad_request', 'the request is malformed');
  }
  if (isDatabaseUnavailable(err)) {
    return new HttpError(
      503,
      'database_unavailable',
      'the database is unavailable; try again shortly',
      [],
      { 'retry-after': '5' },
    );
  }
  return new HttpError(500, 'internal', 'internal error');
}
