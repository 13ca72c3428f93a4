import { z } from 'zod';
import { KeyRingError, parseKeyRing } from './crypto/key-ring';

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
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('errand'),
  TEMPORAL_TLS: z.enum(['true', 'false']).default('false'),
  /** A workflow bundle built ahead of time; without it the worker bundles at start. */
  ERRAND_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  TEMPORAL_UI_URL: z.string().url().default('http://localhost:8233'),
  ERRAND_DEFAULT_TENANT: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a lowercase tenant id')
    .default('default'),
  /** The secret API keys are hashed under (HMAC-SHA256); unset: a built-in one, for development only. */
  ERRAND_KEY_PEPPER: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The deployment's operator key: creates tenants and their keys. Unset: no operator key. */
  ERRAND_OPERATOR_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
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
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`bad configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(result.data);
}
