import type { RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import { parseKeyId, sameHash, sameSecret, hashKey, type Role } from '../auth/api-key';
import { findApiKeyWithTenant, touchApiKey } from '../auth/api-keys-repository';
import { JwksUnavailableError, type JwtVerifier } from '../auth/jwt-verifier';
import type { Database } from '../db/database';
import { findTenant, type Tenant } from '../tenants/tenants-repository';
import { HttpError } from './http-error';

/**
 * Who is calling: a tenant's key (acting for its user, if it names one), a
 * user signed in with a JWT, or the deployment's operator key (which acts for
 * no tenant). `name` is what decisions record as `by`.
 */
export type Principal =
  | { kind: 'key'; tenant: string; role: Role; key_id: string; name: string; user: string | null }
  | { kind: 'jwt'; tenant: string; role: Role; key_id: null; name: string; user: string }
  | {
      kind: 'operator';
      tenant: null;
      role: 'operator';
      key_id: null;
      name: 'operator';
      user: null;
    };

export interface AuthenticatorDeps {
  db: Kysely<Database>;
  pepper: string;
  /** ERRAND_OPERATOR_KEY; undefined: no operator key is accepted. */
  operatorKey?: string;
  now: () => Date;
  /** Verifies bearer values that are not Errand keys; undefined: JWTs are not accepted. */
  jwt?: JwtVerifier;
}

// One answer for every refusal, so a caller learns nothing about which keys exist.
const unauthenticated = (challenge = 'Bearer') =>
  new HttpError(
    401,
    'unauthenticated',
    'a valid API key is required: send Authorization: Bearer <key>',
    [],
    { 'www-authenticate': challenge },
  );
const invalidToken = () => unauthenticated('Bearer error="invalid_token"');

/**
 * Resolves who calls and the tenant they act for from `Authorization: Bearer <key>`.
 * The X-Errand-Tenant header is ignored: only the credential chooses the tenant.
 * Every route reads the tenant through `tenantOf` and scopes every query by it.
 */
export function authenticate(deps: AuthenticatorDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      const match = /^Bearer ([^\s]+)$/.exec(req.header('authorization') ?? '');
      const presented = match?.[1];
      if (!presented) throw unauthenticated();
      if (deps.operatorKey && sameSecret(presented, deps.operatorKey, deps.pepper)) {
        res.locals.principal = {
          kind: 'operator',
          tenant: null,
          role: 'operator',
          key_id: null,
          name: 'operator',
          user: null,
        } satisfies Principal;
        next();
        return;
      }
      if (deps.jwt && !presented.startsWith('ek_')) {
        await signIn(deps.db, deps.jwt, presented, deps.now(), res);
        next();
        return;
      }
      const id = parseKeyId(presented);
      const found = id ? await findApiKeyWithTenant(deps.db, id) : undefined;
      const row = found?.key;
      const hash = hashKey(presented, deps.pepper);
      // Compared even without a row, so an unknown id costs the same as a wrong secret.
      const matches = sameHash(hash, row?.hash ?? '0'.repeat(64)) && row !== undefined;
      const now = deps.now();
      if (
        !found ||
        !row ||
        !matches ||
        row.revoked_at ||
        (row.expires_at && row.expires_at <= now)
      ) {
        throw unauthenticated();
      }
      const tenant = found.tenant;
      // touchApiKey writes at most once a minute; skip the round trip when that minute has not passed.
      const sinceUse = row.last_used_at ? now.getTime() - row.last_used_at.getTime() : Infinity;
      if (!(sinceUse >= 0 && sinceUse < 60_000)) await touchApiKey(deps.db, row.id);
      res.locals.principal = {
        kind: 'key',
        tenant: tenant.id,
        role: row.role,
        key_id: row.id,
        name: row.name ?? `ek_${row.id}`,
        user: row.user_id,
      } satisfies Principal;
      res.locals.tenant = tenant;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Makes the principal of a verified JWT. A token whose tenant does not exist is
 * refused like a bad signature; one naming no Errand role is a 403, since who
 * calls is known and only what they may do is missing.
 */
async function signIn(
  db: Kysely<Database>,
  jwt: JwtVerifier,
  token: string,
  now: Date,
  res: Response,
): Promise<void> {
  let identity;
  try {
    identity = await jwt.verify(token, now);
  } catch (err) {
    if (!(err instanceof JwksUnavailableError)) throw invalidToken();
    res.req.log?.warn({ err }, 'the JWKS could not be read');
    throw new HttpError(503, 'jwks_unavailable', 'the token could not be checked', [], {
      'retry-after': '5',
    });
  }
  const tenant = await findTenant(db, identity.tenant);
  if (!tenant) throw invalidToken();
  if (!identity.role) {
    throw new HttpError(
      403,
      'forbidden',
      `the token's ${jwt.rolesClaim} claim names no Errand role (viewer, submitter, approver or admin)`,
    );
  }
  res.locals.principal = {
    kind: 'jwt',
    tenant: tenant.id,
    role: identity.role,
    key_id: null,
    name: identity.user,
    user: identity.user,
  } satisfies Principal;
  res.locals.tenant = tenant;
}

export function tenantOf(res: Response): Tenant {
  return res.locals.tenant as Tenant;
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}
