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

export const badRequest = (details: FieldError[], message = 'the request is invalid') =>
  new HttpError(400, 'invalid_request', message, details);

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);

/** 404 for any route the API does not serve. */
export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};

/**
 * Maps every error to `{"error":{"code","message","details"}}`. Body-parser
 * errors become 4xx; anything unknown is a 500 with no internals shown.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const error = toHttpError(err);
    if (error.status >= 500) logger.error({ err }, 'request failed');
    res
      .status(error.status)
      .set(error.headers)
      .json({
        error: { code: error.code, message: error.message, details: error.details },
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
