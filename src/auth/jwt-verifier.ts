import {
  createRemoteJWKSet,
  customFetch,
  errors,
  jwtVerify,
  type FetchImplementation,
  type JWTVerifyGetKey,
} from 'jose';
import type { OutboundGet } from '../net/outbound-http';
import { identityOf, type ClaimNames, type TokenIdentity } from './jwt-claims';

/** The algorithms a shared secret may sign with; a JWKS may use the rest. */
export const SECRET_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export const JWKS_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** The whole JWKS fetch, and the largest JWKS accepted. */
export const JWKS_TIMEOUT_MS = 5_000;
export const JWKS_MAX_BYTES = 64 * 1024;
/** Tokens longer than this are refused unread. */
export const MAX_TOKEN_LENGTH = 8 * 1024;

export interface JwtConfig {
  /** ERRAND_JWT_SECRET (HS*), or ERRAND_JWT_JWKS_URL. */
  key: { secret: string } | { jwksUrl: string };
  /** Accepted `alg`s, explicit so `none` and a secret-as-public-key confusion never verify. */
  algorithms: readonly string[];
  issuer: string;
  audience: string;
  claims: ClaimNames;
  clockToleranceSeconds: number;
}

/** A token refused: expired, not yet valid, wrongly signed, for another audience or issuer, or without tenant or sub. */
export class JwtRefusedError extends Error {
  override name = 'JwtRefusedError';
}

/** The JWKS could not be fetched or read: Errand's trouble, not the caller's. */
export class JwksUnavailableError extends Error {
  override name = 'JwksUnavailableError';
}

export interface JwtVerifier {
  /** The claim roles are read from, for messages. */
  readonly rolesClaim: string;
  /** The token's tenant, user and role; throws JwtRefusedError or JwksUnavailableError. */
  verify(token: string, now: Date): Promise<TokenIdentity>;
}

// Errors about the token itself; anything else while fetching keys is the JWKS's.
const REFUSALS = new Set<string>([
  errors.JWTExpired.code,
  errors.JWTClaimValidationFailed.code,
  errors.JWTInvalid.code,
  errors.JWSInvalid.code,
  errors.JWSSignatureVerificationFailed.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JWKInvalid.code,
]);

/**
 * Verifies bearer JWTs with jose against a shared secret or a JWKS fetched
 * through `get` (the network policy's guarded client). `exp` and `sub` are
 * required; `now` is the clock tokens are judged by.
 *
 * @example
 * const jwt = createJwtVerifier({ key: { secret }, algorithms: ['HS256'], issuer, audience,
 *   claims: { tenant: 'tenant', roles: 'roles' }, clockToleranceSeconds: 30 }, get);
 * const { tenant, user, role } = await jwt.verify(token, new Date());
 */
export function createJwtVerifier(config: JwtConfig, get: OutboundGet): JwtVerifier {
  let getKey: JWTVerifyGetKey;
  if ('secret' in config.key) {
    const secret = new TextEncoder().encode(config.key.secret);
    getKey = () => secret;
  } else {
    getKey = createRemoteJWKSet(new URL(config.key.jwksUrl), {
      timeoutDuration: JWKS_TIMEOUT_MS,
      [customFetch]: guardedFetch(get),
    });
  }
  return {
    rolesClaim: config.claims.roles,
    async verify(token, now) {
      if (token.length > MAX_TOKEN_LENGTH) throw new JwtRefusedError('the token is too long');
      let claims: Record<string, unknown>;
      try {
        ({ payload: claims } = await jwtVerify(token, getKey, {
          algorithms: [...config.algorithms],
          issuer: config.issuer,
          audience: config.audience,
          clockTolerance: config.clockToleranceSeconds,
          currentDate: now,
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code && REFUSALS.has(code)) throw new JwtRefusedError((err as Error).message);
        throw new JwksUnavailableError((err as Error).message, { cause: err });
      }
      const identity = identityOf(claims, config.claims);
      if (!identity) {
        throw new JwtRefusedError(`the token has no usable sub or ${config.claims.tenant} claim`);
      }
      return identity;
    },
  };
}

/** jose's fetch, made of the guarded GET: jose checks the status and parses the JSON. */
function guardedFetch(get: OutboundGet): FetchImplementation {
  return async (url, options) => {
    const headers: Record<string, string> = {};
    options.headers.forEach((value, name) => (headers[name] = value));
    const answer = await get(url, { headers });
    return new Response(answer.body, { status: answer.status });
  };
}
