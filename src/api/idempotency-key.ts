import type { Request } from 'express';
import { z } from 'zod';
import { HttpError } from './http-error';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

export const key = z.string().min(1).max(200).optional();

/** The request's Idempotency-Key header, if any; 400 when it is malformed. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const parsed = key.safeParse(req.header(IDEMPOTENCY_HEADER));
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_request', 'bad Idempotency-Key', [
      { path: IDEMPOTENCY_HEADER, message: 'must be 1 to 200 characters' },
    ]);
  }
  return parsed.data;
}

/** 422: the key was first used with another body, so it cannot stand for this one. */
export const idempotencyKeyReused = () =>
  new HttpError(
    422,
    'idempotency_key_reused',
    'this Idempotency-Key was already used with a different body',
    [
      {
        path: IDEMPOTENCY_HEADER,
        message: 'was first used with another body; send that body again or use a new key',
      },
    ],
  );
