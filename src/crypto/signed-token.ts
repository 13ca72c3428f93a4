import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { KeyRing } from './key-ring';

const MAX_TOKEN_CHARS = 2048;

/**
 * A key of its own per purpose, derived from a ring key, so a token made for
 * one purpose (an OAuth state, an automation's callback) never passes for
 * another, nor for anything sealed.
 */
const purposeKey = (key: Buffer, purpose: string) =>
  createHmac('sha256', key).update(purpose).digest();

const mac = (key: Buffer, purpose: string, body: string) =>
  createHmac('sha256', purposeKey(key, purpose)).update(body).digest();

/**
 * Claims in base64url JSON, a dot, and their HMAC-SHA256 under the ring's
 * current key for this purpose. The key id rides in the claims (`k`), so a
 * rotation does not break tokens in flight.
 */
export function signToken(ring: KeyRing, purpose: string, claims: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify({ ...claims, k: ring.current })).toString('base64url');
  return `${body}.${mac(ring.keys.get(ring.current)!, purpose, body).toString('base64url')}`;
}

/**
 * The claims of a token this ring signed for this purpose, read with `schema`
 * (which must accept the key id `k`); null for anything else. Expiry and
 * single use are the caller's to check.
 */
export function verifyToken<T extends { k: string }>(
  ring: KeyRing,
  purpose: string,
  token: string,
  schema: z.ZodType<T>,
): T | null {
  if (token.length > MAX_TOKEN_CHARS) return null;
  const [body, tag, extra] = token.split('.');
  if (!body || !tag || extra !== undefined) return null;
  let claims: T;
  try {
    claims = schema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
  } catch {
    return null;
  }
  const key = ring.keys.get(claims.k);
  const given = Buffer.from(tag, 'base64url');
  const expected = key && mac(key, purpose, body);
  if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return null;
  }
  return claims;
}
