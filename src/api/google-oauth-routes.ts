import { Router, type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { openConnection, saveConnection } from '../connections/connections-repository';
import { OAuthStateError, signOAuthState, verifyOAuthState } from '../connections/oauth-state';
import { useOAuthState } from '../connections/oauth-state-uses-repository';
import type { KeyRing } from '../crypto/key-ring';
import type { Database } from '../db/database';
import { readScopes } from '../providers/google-auth';
import {
  GOOGLE_SCOPES,
  GOOGLE_SERVICES,
  googleOAuthClient,
  type GoogleConfig,
} from '../providers/google-config';
import { googleMessage, googleStatus } from '../providers/google-failure';
import { DeploymentNotConfiguredError, HttpError } from './http-error';
import { parseQuery } from './pagination';
import { principalOf, tenantOf } from './tenant-context';

export interface GoogleOAuthRoutesDeps {
  db: Kysely<Database>;
  keyRing?: KeyRing;
  /** ERRAND_GOOGLE_*; unset: the routes answer 503, since only the operator can register a client. */
  google?: GoogleConfig;
  now: () => Date;
}

export const authorizeQuery = z.strictObject({
  services: z
    .string()
    .max(100)
    .transform((text) => [...new Set(text.split(',').map((s) => s.trim()))].sort())
    .pipe(z.array(z.enum(GOOGLE_SERVICES)).min(1)),
});

export const callbackQuery = z.object({
  state: z.string().min(1).max(2048),
  code: z.string().min(1).max(2048).optional(),
  error: z.string().max(200).optional(),
});

const ready =
  (deps: GoogleOAuthRoutesDeps): RequestHandler =>
  (_req, _res, next) => {
    if (!deps.keyRing) {
      next(
        new DeploymentNotConfiguredError(
          'encryption_not_configured',
          "this deployment has no encryption key (ERRAND_ENCRYPTION_KEYS), so it cannot keep tenants' credentials; its operator must set one",
        ),
      );
    } else if (!deps.google) {
      next(
        new DeploymentNotConfiguredError(
          'google_not_configured',
          'this deployment has no Google OAuth client (ERRAND_GOOGLE_CLIENT_ID, ERRAND_GOOGLE_CLIENT_SECRET, ERRAND_GOOGLE_REDIRECT_URL); its operator must register one',
        ),
      );
    } else next();
  };

/**
 * `GET /v1/connections/google/authorize?services=calendar,gmail` (admin): the
 * consent URL for just those services' scopes, offline (a refresh token),
 * incremental (earlier grants are kept), with a state bound to the tenant and
 * the caller.
 */
export function googleAuthorizeRoutes(deps: GoogleOAuthRoutesDeps): Router {
  const router = Router();
  router.get('/v1/connections/google/authorize', ready(deps), (req, res) => {
    const { services } = parseQuery(authorizeQuery, req.query);
    const principal = principalOf(res);
    const requestedBy =
      principal.kind === 'operator' ? 'operator' : (principal.user ?? `key:${principal.key_id}`);
    const { state, claims } = signOAuthState(deps.keyRing!, {
      tenantId: tenantOf(res).id,
      requestedBy,
      services,
      now: deps.now(),
    });
    const url = googleOAuthClient(deps.google!).generateAuthUrl({
      scope: services.flatMap((s) => GOOGLE_SCOPES[s]),
      access_type: 'offline',
      include_granted_scopes: true,
      prompt: 'consent',
      state,
    });
    res.json({ url, services, expires_at: claims.expiresAt.toISOString() });
  });
  return router;
}

/**
 * `GET /v1/connections/google/callback`, where Google sends the admin back.
 * No API key (a browser follows Google's redirect): the request is
 * authenticated by its state, which Errand signed, which has not expired and
 * which has not been used. The code is exchanged for tokens and the refresh
 * token stored sealed, with the granted scopes merged into earlier ones.
 */
export function googleCallbackRoutes(deps: GoogleOAuthRoutesDeps): Router {
  const router = Router();
  router.get('/v1/connections/google/callback', ready(deps), async (req, res) => {
    const query = parseQuery(callbackQuery, req.query);
    const now = deps.now();
    let claims;
    try {
      claims = verifyOAuthState(deps.keyRing!, query.state, now);
      await useOAuthState(deps.db, claims, now);
    } catch (err) {
      if (err instanceof OAuthStateError) throw new HttpError(401, 'invalid_state', err.message);
      throw err;
    }
    if (query.error || !query.code) {
      throw new HttpError(
        400,
        'google_consent_refused',
        `Google did not grant access (${query.error ?? 'no code'}); ask for a new consent link`,
      );
    }
    let tokens;
    try {
      ({ tokens } = await googleOAuthClient(deps.google!).getToken(query.code));
    } catch (err) {
      const status = googleStatus(err);
      if (status !== undefined && status < 500) {
        throw new HttpError(
          400,
          'google_grant_refused',
          `Google refused the authorization code (${googleMessage(err)}); ask for a new consent link`,
        );
      }
      throw err;
    }
    const existing = await openConnection(deps.db, deps.keyRing!, claims.tenantId, 'google').catch(
      () => undefined,
    );
    const refreshToken = tokens.refresh_token ?? existing?.secret;
    if (!refreshToken) {
      throw new HttpError(
        400,
        'google_no_refresh_token',
        'Google gave no refresh token; ask for a new consent link (it asks for offline access again)',
      );
    }
    const granted = (tokens.scope ?? '').split(' ').filter(Boolean);
    const scopes = [...new Set([...readScopes(existing?.config), ...granted])].sort();
    const saved = await saveConnection(deps.db, deps.keyRing!, {
      tenantId: claims.tenantId,
      provider: 'google',
      secret: refreshToken,
      config: { scopes, connected_by: claims.requestedBy },
      now,
    });
    res.json({
      provider: 'google',
      status: saved.status,
      tenant_id: claims.tenantId,
      scopes,
    });
  });
  return router;
}
