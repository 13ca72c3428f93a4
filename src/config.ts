import { z } from 'zod';
import { JWKS_ALGORITHMS, SECRET_ALGORITHMS } from './auth/jwt-verifier';
import { KeyRingError, parseKeyRing } from './crypto/key-ring';
import { outboundUrlProblem } from './net/url-policy';

const port = z.coerce.number().int().min(0).max(65535);

const configSchema = z.object({
  /** Unset: Errand starts its embedded Postgres (data in .errand/postgres) and uses that. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /** Connections per process pool; the worker runs as many activities at once. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(15_000),
  /**
   * Requests the API serves at once; more are refused with 503 overloaded and Retry-After.
   * Unset: ten per connection of the pool.
   */
  ERRAND_MAX_IN_FLIGHT_REQUESTS: z.coerce.number().int().min(1).max(100_000).optional(),
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('errand'),
  TEMPORAL_TLS: z.enum(['true', 'false']).default('false'),
  /** A workflow bundle built ahead of time; without it the worker bundles at start (`npm run build` writes one the compiled worker finds itself). */
  ERRAND_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  /** On SIGTERM: how long running steps and HTTP requests may take to finish before they are cut off. */
  ERRAND_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** `pretty` (pino-pretty) or `json`; default: json when NODE_ENV is production or output is not a terminal. */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  TEMPORAL_UI_URL: z.string().url().default('http://localhost:8233'),
  ERRAND_DEFAULT_TENANT: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a lowercase tenant id')
    .default('default'),
  /** The secret API keys are hashed under (HMAC-SHA256); unset: a built-in one, for development only. */
  ERRAND_KEY_PEPPER: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The deployment's operator key: creates tenants and their keys. Unset: no operator key. */
  ERRAND_OPERATOR_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** A bearer token that may read /metrics (besides the operator key); unset: the operator key only. */
  ERRAND_METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Where the Temporal SDK serves its own metrics (host:port); unset: a free loopback port, read by /metrics. */
  ERRAND_SDK_METRICS_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port')
    .optional(),
  /** A standalone worker's /metrics port (Errand's series and the SDK's); unset: none. */
  ERRAND_WORKER_METRICS_PORT: port.optional(),
  /**
   * AES-256-GCM keys, `kid:base64key[,kid:base64key...]`, the first sealing and all opening:
   * for Temporal payloads and tenants' stored credentials. `npm start` makes one in .errand.
   */
  ERRAND_ENCRYPTION_KEYS: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      if (text === undefined) return;
      try {
        parseKeyRing(text);
      } catch (err) {
        if (!(err instanceof KeyRingError)) throw err;
        ctx.addIssue({ code: 'custom', message: err.message });
      }
    }),
  /** The `errand` CLI's key; unset: --key, else .errand/credentials.json. */
  ERRAND_API_KEY: z.string().min(1).optional(),
  /** Requests each API key may make per minute, counted across API processes; 0: no limit. */
  ERRAND_KEY_REQUESTS_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(600),
  /** JWT bearer tokens, verified with this HS256/384/512 secret; or with ERRAND_JWT_JWKS_URL's keys. */
  ERRAND_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ERRAND_JWT_JWKS_URL: z.string().url().optional(),
  /** Required when JWTs are on: tokens of another issuer or audience are refused. */
  ERRAND_JWT_ISSUER: z.string().min(1).optional(),
  ERRAND_JWT_AUDIENCE: z.string().min(1).optional(),
  /** Comma-separated; default: HS256,HS384,HS512 with a secret, every asymmetric one with a JWKS. */
  ERRAND_JWT_ALGORITHMS: z
    .string()
    .optional()
    .transform((v) => v?.split(',').map((a) => a.trim())),
  ERRAND_JWT_TENANT_CLAIM: z.string().min(1).max(200).default('tenant'),
  ERRAND_JWT_ROLES_CLAIM: z.string().min(1).max(200).default('roles'),
  ERRAND_JWT_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  MEETING_LINK_BASE: z.string().url().default('https://meet.example.com/errand/'),
  REMINDER_GRACE_SECONDS: z.coerce.number().int().min(0).max(86400).default(300),
  ERRAND_BODY_LIMIT: z.string().default('256kb'),
  /** Development only: lets webhooks use http and reach loopback and private addresses. */
  ERRAND_ALLOW_PRIVATE_NETWORK: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** The whole of one webhook call, below the automation step's 60 s start-to-close timeout. */
  ERRAND_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(50_000).default(10_000),
  /** The whole of one call to a tenant's provider (SendGrid), below the delivery step's 20 s start-to-close timeout. */
  ERRAND_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(15_000).default(10_000),
  /** The deployment's Google OAuth client (a Web application client); all three or none. */
  ERRAND_GOOGLE_CLIENT_ID: z.string().min(1).max(512).optional(),
  ERRAND_GOOGLE_CLIENT_SECRET: z.string().min(1).max(512).optional(),
  /** Where Google sends the tenant back: this API's /v1/connections/google/callback, registered on the client. */
  ERRAND_GOOGLE_REDIRECT_URL: z.string().url().optional(),
  /** Test-only, with ERRAND_ALLOW_PRIVATE_NETWORK: a stand-in for Google's consent page, token endpoint and APIs. */
  ERRAND_GOOGLE_TEST_AUTH_URL: z.string().url().optional(),
  ERRAND_GOOGLE_TEST_TOKEN_URL: z.string().url().optional(),
  ERRAND_GOOGLE_TEST_API_URL: z.string().url().optional(),
  /**
   * The address this API is reached at from the internet (scheme, host, optional port, no path):
   * the base of the status-callback URLs Errand gives Twilio. Unset: no status callbacks are asked for.
   */
  ERRAND_PUBLIC_URL: z
    .url()
    .refine((u) => /^https?:\/\/[^/?#]+\/?$/.test(u), 'must be http(s)://host[:port] with no path')
    .transform((u) => u.replace(/\/$/, ''))
    .optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(20_000),
  ERRAND_START_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  ERRAND_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(5_000),
  ERRAND_RECONCILE_AGE_MS: z.coerce.number().int().min(0).max(86_400_000).default(15_000),
  ERRAND_RECONCILE_BATCH: z.coerce.number().int().min(1).max(1_000).default(50),
  /** Test-only: the API kills itself with SIGKILL right after writing a plan's row. */
  ERRAND_TEST_CRASH_AFTER_PLAN_INSERT: z.enum(['true', 'false']).default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** JWT settings that only make sense together: one key source, an issuer, an audience, fitting algorithms. */
function jwtProblems(
  c: {
    ERRAND_JWT_SECRET?: string;
    ERRAND_JWT_JWKS_URL?: string;
    ERRAND_JWT_ISSUER?: string;
    ERRAND_JWT_AUDIENCE?: string;
    ERRAND_JWT_ALGORITHMS?: string[];
    ERRAND_ALLOW_PRIVATE_NETWORK: boolean;
  },
  ctx: z.RefinementCtx,
) {
  const problem = (path: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: [path], message });
  if (c.ERRAND_JWT_SECRET && c.ERRAND_JWT_JWKS_URL) {
    problem('ERRAND_JWT_JWKS_URL', 'set ERRAND_JWT_SECRET or ERRAND_JWT_JWKS_URL, not both');
  }
  const on = c.ERRAND_JWT_SECRET ?? c.ERRAND_JWT_JWKS_URL;
  if (!on) {
    for (const name of [
      'ERRAND_JWT_ISSUER',
      'ERRAND_JWT_AUDIENCE',
      'ERRAND_JWT_ALGORITHMS',
    ] as const)
      if (c[name] !== undefined) problem(name, 'needs ERRAND_JWT_SECRET or ERRAND_JWT_JWKS_URL');
    return;
  }
  if (!c.ERRAND_JWT_ISSUER) problem('ERRAND_JWT_ISSUER', 'is required when JWTs are on');
  if (!c.ERRAND_JWT_AUDIENCE) problem('ERRAND_JWT_AUDIENCE', 'is required when JWTs are on');
  const url = c.ERRAND_JWT_JWKS_URL;
  const urlProblem =
    url && outboundUrlProblem(url, { allowPrivateNetwork: c.ERRAND_ALLOW_PRIVATE_NETWORK });
  if (urlProblem) problem('ERRAND_JWT_JWKS_URL', urlProblem);
  const allowed: readonly string[] = c.ERRAND_JWT_SECRET ? SECRET_ALGORITHMS : JWKS_ALGORITHMS;
  for (const alg of c.ERRAND_JWT_ALGORITHMS ?? []) {
    if (!allowed.includes(alg))
      problem('ERRAND_JWT_ALGORITHMS', `${alg || '(empty)'} is not one of ${allowed.join(', ')}`);
  }
}

/** Google's OAuth client is all or nothing, and its stand-ins are for tests on a private network only. */
function googleProblems(
  c: {
    ERRAND_GOOGLE_CLIENT_ID?: string;
    ERRAND_GOOGLE_CLIENT_SECRET?: string;
    ERRAND_GOOGLE_REDIRECT_URL?: string;
    ERRAND_GOOGLE_TEST_AUTH_URL?: string;
    ERRAND_GOOGLE_TEST_TOKEN_URL?: string;
    ERRAND_GOOGLE_TEST_API_URL?: string;
    ERRAND_ALLOW_PRIVATE_NETWORK: boolean;
  },
  ctx: z.RefinementCtx,
) {
  const problem = (path: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: [path], message });
  const client = [
    'ERRAND_GOOGLE_CLIENT_ID',
    'ERRAND_GOOGLE_CLIENT_SECRET',
    'ERRAND_GOOGLE_REDIRECT_URL',
  ] as const;
  const given = client.filter((name) => c[name] !== undefined);
  if (given.length > 0 && given.length < client.length) {
    for (const name of client)
      if (c[name] === undefined) problem(name, `is required with ${given.join(', ')}`);
  }
  const redirect = c.ERRAND_GOOGLE_REDIRECT_URL;
  if (redirect && !c.ERRAND_ALLOW_PRIVATE_NETWORK && !redirect.startsWith('https://')) {
    problem('ERRAND_GOOGLE_REDIRECT_URL', 'must use https');
  }
  for (const name of [
    'ERRAND_GOOGLE_TEST_AUTH_URL',
    'ERRAND_GOOGLE_TEST_TOKEN_URL',
    'ERRAND_GOOGLE_TEST_API_URL',
  ] as const) {
    if (c[name] !== undefined && !c.ERRAND_ALLOW_PRIVATE_NETWORK)
      problem(name, 'is for tests only: it needs ERRAND_ALLOW_PRIVATE_NETWORK=true');
  }
}

/** Errand's configuration, read once at start by a composition root. */
export type Config = Readonly<z.output<typeof configSchema>>;

/** Configuration once the composition root knows which Postgres it uses (see openDatabaseServer). */
export type ConnectedConfig = Config & { readonly DATABASE_URL: string };

/** Thrown when configuration is bad; its message lists every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses configuration from environment variables.
 *
 * @example const config = loadConfig(process.env);
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.superRefine(jwtProblems).superRefine(googleProblems).safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`bad configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(result.data);
}
