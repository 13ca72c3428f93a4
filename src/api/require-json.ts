import type { RequestHandler } from 'express';
import { HttpError } from './http-error';

/** Refuses a write whose body is not declared as JSON. */
export const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'];
  if (hasBody && !req.is('application/json')) {
    next(
      new HttpError(415, 'unsupported_media_type', 'send the body as application/json', [
        { path: 'content-type', message: `got ${req.headers['content-type'] ?? 'none'}` },
      ]),
    );
    return;
  }
  next();
};
