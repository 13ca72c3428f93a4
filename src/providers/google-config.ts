import http from 'node:http';
import https from 'node:https';
import { google } from 'googleapis';
import type { NetworkPolicy } from '../net/address-policy';
import { guardedLookup, systemResolver, type Resolver } from '../net/guarded-lookup';

/** What a tenant can connect Google for; each asks only for its own scopes. */
export const GOOGLE_SERVICES = ['calendar', 'gmail'] as const;
export type GoogleService = (typeof GOOGLE_SERVICES)[number];

/**
 * The narrowest scopes each service's calls need: events.insert, patch, get,
 * list and delete need calendar.events; freebusy.query needs calendar.freebusy
 * (it shows busy times only, never what the events are); Gmail only sends.
 */
export const GOOGLE_SCOPES: Record<GoogleService, readonly string[]> = {
  calendar: [
    'https://www.googleapis.com/auth/calendar.events',
    'https://www.googleapis.com/auth/calendar.freebusy',
  ],
  gmail: ['https://www.googleapis.com/auth/gmail.send'],
};

/** Whether a grant of `scopes` covers everything `service` calls. */
export const hasScopesFor = (scopes: readonly string[], service: GoogleService) =>
  GOOGLE_SCOPES[service].every((scope) => scopes.includes(scope));

/** The deployment's Google OAuth client and how Errand reaches Google. */
export interface GoogleConfig extends NetworkPolicy {
  clientId: string;
  clientSecret: string;
  /** This API's /v1/connections/google/callback, as registered on the client. */
  redirectUrl: string;
  /** Test-only stand-ins (config refuses them outside a private network): consent page, token endpoint, API root. */
  authUrl?: string;
  tokenUrl?: string;
  apiRootUrl?: string;
  /** The whole of one call to Google, below the steps' 20 s start-to-close timeout. */
  timeoutMs: number;
  resolve?: Resolver;
}

/** Calendar's and Gmail's answers are short JSON; more than this is not one of them. */
const MAX_ANSWER_BYTES = 1_048_576;

/**
 * gaxios options that put every call to Google under the network policy: the
 * policy at connect time (a fresh connection each call), no proxy from the
 * environment (an agent given overrides it), no redirects, capped answers, a
 * time limit, and no retries of its own, so Temporal's retry policy is the
 * only one.
 */
export function googleTransport(config: GoogleConfig) {
  const lookup = guardedLookup(config, config.resolve ?? systemResolver);
  const agents = {
    http: new http.Agent({ lookup, keepAlive: false }),
    https: new https.Agent({ lookup, keepAlive: false }),
  };
  return {
    agent: (url: URL) => (url.protocol === 'http:' ? agents.http : agents.https),
    timeout: config.timeoutMs,
    maxRedirects: 0,
    maxContentLength: MAX_ANSWER_BYTES,
    retry: false,
  };
}

/** An OAuth2 client for the deployment's Google client, its token calls under the transport above. */
export function googleOAuthClient(config: GoogleConfig) {
  return new google.auth.OAuth2({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    redirectUri: config.redirectUrl,
    endpoints: {
      ...(config.authUrl ? { oauth2AuthBaseUrl: config.authUrl } : {}),
      ...(config.tokenUrl ? { oauth2TokenUrl: config.tokenUrl } : {}),
    },
    transporterOptions: googleTransport(config),
    // A stored access token may be revoked before it expires: a 401 refreshes it once.
    forceRefreshOnFailure: true,
  });
}

export type GoogleOAuthClient = ReturnType<typeof googleOAuthClient>;
