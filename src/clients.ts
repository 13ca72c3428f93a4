import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import OpenAI from 'openai';
import { pino, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { chooseSdkMetricsAddress } from './metrics/sdk-metrics';
import { createActivityDeps, createCalendar, type ActivityDeps } from './activities/deps';
import type { GoogleConfig } from './providers/google-config';
import type { Config, ConnectedConfig } from './config';
import { parseKeyRing, type KeyRing } from './crypto/key-ring';
import { createDb } from './db/create-db';
import type { Database } from './db/database';
import { createOutboundGet, createOutboundHttp, type OutboundHttp } from './net/outbound-http';
import {
  createJwtVerifier,
  JWKS_ALGORITHMS,
  JWKS_MAX_BYTES,
  JWKS_TIMEOUT_MS,
  SECRET_ALGORITHMS,
  type JwtVerifier,
} from './auth/jwt-verifier';
import { WEBHOOK_MAX_RESPONSE_BYTES } from './net/webhook-limits';
import { createOpenAIPlanner } from './planner/openai-planner';
import type { Planner } from './planner/planner';
import { createRulesPlanner } from './planner/rules-planner';
import type { CalendarProvider } from './providers/calendar-provider';
import { errandDataConverter } from './temporal/data-converter';
import { createScheduledRuns } from './schedules/scheduled-runs';
import { createConversationTurns } from './conversations/conversation-turns';

/**
 * The one place that builds clients from configuration: Postgres, Temporal and
 * the providers. Composition roots (worker, API server, CLI) call these.
 */
export function buildDb(config: ConnectedConfig, logger: Logger): Kysely<Database> {
  return createDb({
    url: config.DATABASE_URL,
    maxConnections: config.DATABASE_POOL_SIZE,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    onError: (err) =>
      logger.warn({ err }, 'a Postgres connection broke; the next query opens a new one'),
  });
}

/** Request headers that carry credentials: the access log shows that they were sent, not what. */
export const REDACTED_HEADERS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["webhook-signature"]',
  'req.headers["x-twilio-signature"]',
];

export function buildLogger(config: Config): Logger {
  const format = config.LOG_FORMAT ?? defaultLogFormat(process.env.NODE_ENV, process.stdout.isTTY);
  const options = { level: config.LOG_LEVEL, redact: REDACTED_HEADERS };
  // Synchronous, in this thread: a transport's worker thread would drop lines at process.exit.
  if (format === 'pretty') return pino(options, pinoPretty({ sync: true, colorize: true }));
  return pino(options);
}

/** Logs for people at a terminal in development; JSON, one object a line, for everything else. */
export function defaultLogFormat(
  nodeEnv: string | undefined,
  terminal: boolean,
): 'pretty' | 'json' {
  return nodeEnv !== 'production' && terminal ? 'pretty' : 'json';
}

/** ERRAND_ENCRYPTION_KEYS as a key ring; undefined when unset. */
export function buildKeyRing(config: Config): KeyRing | undefined {
  return config.ERRAND_ENCRYPTION_KEYS ? parseKeyRing(config.ERRAND_ENCRYPTION_KEYS) : undefined;
}

/** Says at start whether Temporal payloads are encrypted: a warning when they are not. */
export function logPayloadEncryption(config: Config, logger: Logger): void {
  const ring = buildKeyRing(config);
  if (ring) {
    logger.info(
      `Temporal payloads are encrypted (AES-256-GCM): sealed with key ${ring.current}, ${ring.keys.size} key(s) open`,
    );
  } else {
    logger.warn(
      'ERRAND_ENCRYPTION_KEYS is unset: plan inputs, outputs, messages and failure messages are stored in Temporal in plain text',
    );
  }
}

export async function buildTemporalClient(config: Config): Promise<Client> {
  const connection = await Connection.connect({
    address: config.TEMPORAL_ADDRESS,
    tls: config.TEMPORAL_TLS === 'true' ? {} : undefined,
  });
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: errandDataConverter(buildKeyRing(config)),
  });
}

/** The worker runtime logs warnings and worse unless LOG_LEVEL asks for more (its INFO is webpack's build log). */
/**
 * Installs the process's Temporal runtime: its log level, and its own Prometheus exporter
 * (`temporal_` series: slots, polls, task latencies), which /metrics reads and appends.
 */
export async function installWorkerRuntime(config: Config): Promise<void> {
  const verbose = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace';
  const bindAddress = await chooseSdkMetricsAddress(config.ERRAND_SDK_METRICS_ADDRESS);
  Runtime.install({
    logger: new DefaultLogger(verbose ? 'DEBUG' : 'WARN'),
    telemetryOptions: {
      metrics: {
        metricPrefix: 'temporal_',
        prometheus: { bindAddress, useSecondsForDurations: true },
      },
    },
  });
}

export async function buildWorkerConnection(config: Config): Promise<NativeConnection> {
  return NativeConnection.connect({
    address: config.TEMPORAL_ADDRESS,
    tls: config.TEMPORAL_TLS === 'true' ? {} : undefined,
  });
}

/** The OpenAI planner when OPENAI_API_KEY is set (falling back to the rules), else the rules planner. */
export function buildPlanner(config: Config): Planner {
  const rules = createRulesPlanner();
  if (!config.OPENAI_API_KEY) return rules;
  return createOpenAIPlanner({
    client: new OpenAI({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL }),
    model: config.OPENAI_MODEL,
    fallback: rules,
    timeoutMs: config.OPENAI_TIMEOUT_MS,
  });
}

/** The tenants' calendars: the built-in Postgres one, and Google Calendar for those that chose it. */
export function buildCalendar(config: Config, db: Kysely<Database>): CalendarProvider {
  return createCalendar({
    db,
    meetingLinkBase: config.MEETING_LINK_BASE,
    keyRing: buildKeyRing(config),
    google: buildGoogleConfig(config),
  });
}

/** The deployment's Google OAuth client from configuration, or undefined when there is none. */
export function buildGoogleConfig(config: Config): GoogleConfig | undefined {
  if (!config.ERRAND_GOOGLE_CLIENT_ID) return undefined;
  return {
    // loadConfig requires all three together.
    clientId: config.ERRAND_GOOGLE_CLIENT_ID,
    clientSecret: config.ERRAND_GOOGLE_CLIENT_SECRET!,
    redirectUrl: config.ERRAND_GOOGLE_REDIRECT_URL!,
    authUrl: config.ERRAND_GOOGLE_TEST_AUTH_URL,
    tokenUrl: config.ERRAND_GOOGLE_TEST_TOKEN_URL,
    apiRootUrl: config.ERRAND_GOOGLE_TEST_API_URL,
    allowPrivateNetwork: config.ERRAND_ALLOW_PRIVATE_NETWORK,
    timeoutMs: config.ERRAND_PROVIDER_TIMEOUT_MS,
  };
}

/** The client every automation webhook goes through, with the network policy from configuration. */
export function buildOutboundHttp(config: Config): OutboundHttp {
  return createOutboundHttp({
    allowPrivateNetwork: config.ERRAND_ALLOW_PRIVATE_NETWORK,
    timeoutMs: config.ERRAND_WEBHOOK_TIMEOUT_MS,
    maxResponseBytes: WEBHOOK_MAX_RESPONSE_BYTES,
  });
}

/** The JWT verifier configuration asks for, or undefined when JWTs are off. */
export function buildJwtVerifier(config: Config): JwtVerifier | undefined {
  const secret = config.ERRAND_JWT_SECRET;
  const jwksUrl = config.ERRAND_JWT_JWKS_URL;
  if (!secret && !jwksUrl) return undefined;
  return createJwtVerifier(
    {
      key: secret ? { secret } : { jwksUrl: jwksUrl! },
      algorithms: config.ERRAND_JWT_ALGORITHMS ?? (secret ? SECRET_ALGORITHMS : JWKS_ALGORITHMS),
      // loadConfig refuses JWTs without both.
      issuer: config.ERRAND_JWT_ISSUER!,
      audience: config.ERRAND_JWT_AUDIENCE!,
      claims: { tenant: config.ERRAND_JWT_TENANT_CLAIM, roles: config.ERRAND_JWT_ROLES_CLAIM },
      clockToleranceSeconds: config.ERRAND_JWT_CLOCK_TOLERANCE_SECONDS,
    },
    createOutboundGet({
      allowPrivateNetwork: config.ERRAND_ALLOW_PRIVATE_NETWORK,
      timeoutMs: JWKS_TIMEOUT_MS,
      maxResponseBytes: JWKS_MAX_BYTES,
    }),
  );
}

/** The activities' dependencies from configuration: the built-in providers. */
export function buildActivityDeps(
  config: Config,
  db: Kysely<Database>,
  temporal: Client,
): ActivityDeps {
  // Schedules' runs and conversations' messages are planned and submitted as the API does.
  const submitting = { db, temporal, planner: buildPlanner(config), logger: buildLogger(config) };
  return createActivityDeps({
    db,
    temporal,
    outbound: buildOutboundHttp(config),
    meetingLinkBase: config.MEETING_LINK_BASE,
    reminderGraceMs: config.REMINDER_GRACE_SECONDS * 1000,
    keyRing: buildKeyRing(config),
    google: buildGoogleConfig(config),
    providers: {
      allowPrivateNetwork: config.ERRAND_ALLOW_PRIVATE_NETWORK,
      timeoutMs: config.ERRAND_PROVIDER_TIMEOUT_MS,
    },
    publicUrl: config.ERRAND_PUBLIC_URL,
    apiUrl: apiUrl(config),
    scheduledRuns: createScheduledRuns(submitting),
    conversations: createConversationTurns(submitting),
  });
}

/** The API's own address, for callers on this machine or network when ERRAND_PUBLIC_URL is unset. */
function apiUrl(config: Config): string {
  const host = ['0.0.0.0', '::', ''].includes(config.HOST) ? '127.0.0.1' : config.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}`;
}
