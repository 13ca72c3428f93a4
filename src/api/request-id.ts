import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** What an incoming request id may look like to be kept: short, printable, no spaces. */
const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's id: a sane incoming `X-Request-Id`, else a new UUID. It is
 * echoed on the response, logged with every line of the request, and named in
 * every error body, so a client's report finds the log.
 */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && SANE.test(incoming) ? incoming : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
