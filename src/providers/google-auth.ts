import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { DomainError, ProviderConnectionError } from '../activities/errors';
import { openConnection, setConnectionStatus } from '../connections/connections-repository';
import type { KeyRing } from '../crypto/key-ring';
import type { Database } from '../db/database';
import {
  GOOGLE_SERVICES,
  googleOAuthClient,
  hasScopesFor,
  type GoogleConfig,
  type GoogleOAuthClient,
  type GoogleService,
} from './google-config';
import {
  googleFailure,
  googleMessage,
  isInvalidGrant,
  type GoogleFailureContext,
} from './google-failure';

export interface GoogleAuthDeps {
  db: Kysely<Database>;
  keyRing: KeyRing;
  google: GoogleConfig;
  now: () => Date;
}

/** Calls Google for a tenant: its grant opened, refreshed as needed, and its failures named. */
export interface GoogleAuth {
  /**
   * Runs `call` with the tenant's authorized client. Throws
   * ProviderConnectionError when the tenant has no usable grant for `service`
   * (none, revoked — which `invalid_grant` records — or without its scopes),
   * else what googleFailure makes of the failure.
   */
  run<T>(
    tenantId: string,
    service: GoogleService,
    rejected: GoogleFailureContext['rejected'],
    call: (auth: GoogleOAuthClient) => Promise<T>,
  ): Promise<T>;
}

type Credentials = NonNullable<Parameters<GoogleOAuthClient['setCredentials']>[0]>;

/** Access tokens of at most this many grants are kept between calls; past it the oldest go. */
const MAX_CACHED_TOKENS = 1_000;

const SERVICE_NAMES: Record<GoogleService, string> = {
  calendar: 'Google Calendar',
  gmail: 'Gmail',
};

/** How to mend a grant: authorize again for what it had and what is needed now. */
export function reconnectHint(scopes: readonly string[], service: GoogleService): string {
  const services = GOOGLE_SERVICES.filter((s) => s === service || hasScopesFor(scopes, s));
  return `an admin reconnects Google with GET /v1/connections/google/authorize?services=${services.join(',')} and opens the url it returns`;
}

/**
 * One OAuth2 client per call, from the tenant's sealed refresh token: the
 * client refreshes the access token when it is missing or expired, and once
 * more when Google answers 401. Fresh access tokens are kept in memory per
 * grant so calls do not each refresh.
 */
export function createGoogleAuth(deps: GoogleAuthDeps): GoogleAuth {
  const tokens = new Map<string, Credentials>();
  const remember = (key: string, credentials: Credentials) => {
    tokens.delete(key);
    if (tokens.size >= MAX_CACHED_TOKENS) tokens.delete(tokens.keys().next().value!);
    tokens.set(key, credentials);
  };

  return {
    async run(tenantId, service, rejected, call) {
      const connection = await openConnection(deps.db, deps.keyRing, tenantId, 'google').catch(
        () => {
          throw new ProviderConnectionError(
            "the tenant's Google grant cannot be opened with this deployment's ERRAND_ENCRYPTION_KEYS; " +
              reconnectHint([], service),
          );
        },
      );
      const scopes = readScopes(connection?.config);
      const reconnect = reconnectHint(scopes, service);
      if (!connection) {
        throw new ProviderConnectionError(
          `the tenant chose Google for ${service} but has not connected Google; ${reconnect}`,
        );
      }
      if (connection.status === 'revoked') {
        throw new ProviderConnectionError(
          `the tenant's Google grant was revoked (${connection.lastError ?? 'invalid_grant'}); ${reconnect}`,
        );
      }
      if (!hasScopesFor(scopes, service)) {
        throw new ProviderConnectionError(
          `the tenant's Google grant does not cover ${service}; ${reconnect}`,
        );
      }
      const key = createHash('sha256').update(`${tenantId}\0${connection.secret}`).digest('hex');
      const auth = googleOAuthClient(deps.google);
      auth.setCredentials({ ...tokens.get(key), refresh_token: connection.secret });
      auth.on('tokens', (fresh) => {
        if (fresh.access_token) {
          remember(key, { access_token: fresh.access_token, expiry_date: fresh.expiry_date });
        }
      });
      try {
        const result = await call(auth);
        if (connection.status !== 'connected') {
          await setConnectionStatus(deps.db, {
            tenantId,
            provider: 'google',
            status: 'connected',
            lastError: null,
            now: deps.now(),
          });
        }
        return result;
      } catch (err) {
        // Errand's own verdicts from inside the call (a clash, no such meeting) are final as they are.
        if (err instanceof DomainError) throw err;
        if (isInvalidGrant(err)) {
          tokens.delete(key);
          const reason = googleMessage(err);
          await setConnectionStatus(deps.db, {
            tenantId,
            provider: 'google',
            status: 'revoked',
            lastError: reason,
            now: deps.now(),
          });
          throw new ProviderConnectionError(
            `Google refused the tenant's grant (${reason}): it was revoked or has expired; ${reconnect}`,
          );
        }
        const failure = googleFailure(err, {
          service: SERVICE_NAMES[service],
          reconnect,
          rejected,
          now: deps.now(),
        });
        if (failure instanceof ProviderConnectionError) {
          tokens.delete(key);
          await setConnectionStatus(deps.db, {
            tenantId,
            provider: 'google',
            status: 'failing',
            lastError: failure.message,
            now: deps.now(),
          });
        }
        throw failure;
      }
    },
  };
}

/** The scopes a Google connection's config records as granted. */
export function readScopes(config: Record<string, unknown> | undefined): string[] {
  const scopes = config?.scopes;
  return Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [];
}
