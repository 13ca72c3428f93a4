import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { KeyRing } from '../crypto/key-ring';
import { signToken, verifyToken } from '../crypto/signed-token';

/** How long a consent URL's state is good for: time enough to sign in and consent. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/** Who asked for the grant and for what: bound into the state, which only Errand can sign. */
export interface OAuthStateClaims {
  tenantId: string;
  /** The user (JWT) or key that asked; recorded on the connection. */
  requestedBy: string;
  services: string[];
  /** Unique per state; a state whose nonce was used is refused. */
  nonce: string;
  expiresAt: Date;
}

/** Why a state was refused; the callback says it without telling a forger more. */
export class OAuthStateError extends Error {
  override name = 'OAuthStateError';
}

const payload = z.strictObject({
  v: z.literal(1),
  t: z.string().min(1).max(200),
  u: z.string().min(1).max(400),
  s: z.array(z.string().max(40)).max(10),
  n: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/),
  e: z.int().positive(),
  k: z.string().min(1).max(64),
});

const PURPOSE = 'errand oauth state v1';

/**
 * A state for a consent URL: the claims in base64url JSON, a dot, and their
 * HMAC-SHA256 under a key derived from the ring's current key (whose id rides
 * along, so a rotation does not break states in flight).
 */
export function signOAuthState(
  ring: KeyRing,
  input: { tenantId: string; requestedBy: string; services: string[]; now: Date },
): { state: string; claims: OAuthStateClaims } {
  const nonce = randomBytes(24).toString('base64url');
  const expiresAt = new Date(input.now.getTime() + OAUTH_STATE_TTL_MS);
  const state = signToken(ring, PURPOSE, {
    v: 1,
    t: input.tenantId,
    u: input.requestedBy,
    s: input.services,
    n: nonce,
    e: expiresAt.getTime(),
  });
  return { state, claims: { ...input, nonce, expiresAt } };
}

/**
 * The claims of a state Errand signed and that has not expired; throws
 * OAuthStateError otherwise. That it was not used before is the caller's to
 * check (see useOAuthState).
 */
export function verifyOAuthState(ring: KeyRing, state: string, now: Date): OAuthStateClaims {
  const claims = verifyToken(ring, PURPOSE, state, payload);
  if (!claims) throw new OAuthStateError('the state is not one Errand signed');
  if (claims.e <= now.getTime()) {
    throw new OAuthStateError('the consent link has expired; ask for a new one');
  }
  return {
    tenantId: claims.t,
    requestedBy: claims.u,
    services: claims.s,
    nonce: claims.n,
    expiresAt: new Date(claims.e),
  };
}
