import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { inject } from 'vitest';
import { createActivities, type Activities, type ActivityDeps } from '../../src/activities';
import { createActivityDeps } from '../../src/activities/deps';
import { createApp, type AppDeps } from '../../src/api/app';
import { listenForPlanEvents } from '../../src/api/plan-event-feed';
import { createDb } from '../../src/db/create-db';
import type { Planner } from '../../src/planner/planner';
import { createRulesPlanner } from '../../src/planner/rules-planner';
import type { Database } from '../../src/db/database';
import { type KeyRing } from '../../src/crypto/key-ring';
import { createOutboundHttp } from '../../src/net/outbound-http';
import { WEBHOOK_MAX_RESPONSE_BYTES } from '../../src/net/webhook-limits';
import { ensureTenant, type Tenant } from '../../src/tenants/tenants-repository';
import type { Role } from '../../src/auth/api-key';
import type { JwtVerifier } from '../../src/auth/jwt-verifier';
import { createApiKey } from '../../src/auth/api-keys-repository';
import { parseKeyRing } from '../../src/crypto/key-ring';
import { errandDataConverter } from '../../src/temporal/data-converter';
import type { GoogleConfig } from '../../src/providers/google-config';
import { createScheduledRuns } from '../../src/schedules/scheduled-runs';
import { createWebhookDispatcher } from '../../src/webhooks/webhook-dispatcher';
import { createConversationTurns } from '../../src/conversations/conversation-turns';
import type { WebhookRetry } from '../../src/workflows/definitions';

/** The pepper the harness's API hashes keys under. */
export const TEST_PEPPER = 'test-pepper-test-pepper-test-pepper-0001';
/** The harness API's operator key. */
export const TEST_OPERATOR_KEY = 'operator-key-for-tests-operator-key-0001';
/** ERRAND_ENCRYPTION_KEYS of every harness and test process: the whole suite runs through the codec. */
export const TEST_ENCRYPTION_KEYS = `test1:${Buffer.alloc(32, 1).toString('base64')}`;
/** The key ring TEST_ENCRYPTION_KEYS holds. */
export const TEST_KEY_RING = parseKeyRing(TEST_ENCRYPTION_KEYS);

let runtimeInstalled = false;

/** ERRAND_PUBLIC_URL for the worker and the API: where vendors are told to post status callbacks. */
export const TEST_PUBLIC_URL = 'https://errand.example.test';

export interface HarnessOptions {
  /** Wraps the real activities, e.g. to fail after a write. */
  wrapActivities?: (activities: Activities) => Activities;
  deps?: Partial<ActivityDeps>;
  timezone?: string;
  settings?: Record<string, unknown>;
  /** Another Temporal server than the run's shared one. */
  temporalAddress?: string;
  /** Reuse a tenant and task queue, e.g. to restart Errand around a waiting plan. */
  tenantId?: string;
  taskQueue?: string;
  planner?: Planner;
  /** The API's clock, which relative times in intents are read against. */
  now?: () => Date;
  /** false: no in-process worker (a test runs its own, e.g. in a process it can kill). */
  worker?: boolean;
  /** ERRAND_KEY_REQUESTS_PER_MINUTE for the API; default: no limit. */
  keyRequestsPerMinute?: number;
  /** ERRAND_ALLOW_PRIVATE_NETWORK for the worker's webhooks and the API's checks; true, for loopback receivers. */
  allowPrivateNetwork?: boolean;
  /** The API's JWT verifier; default: none, so only API keys are accepted. */
  jwt?: JwtVerifier;
  /** ERRAND_ENCRYPTION_KEYS for the API and the activities (connections, the codec endpoint); default: TEST_KEY_RING; null: none. Workflow payloads always use TEST_KEY_RING. */
  keyRing?: KeyRing | null;
  /** The deployment's Google OAuth client (a loopback fake's endpoints); default: none. */
  google?: GoogleConfig;
  /** Limits of the plan streams, e.g. a short heartbeat. */
  streamLimits?: AppDeps['streamLimits'];
  /** false: plan streams get no LISTEN feed and only poll. */
  planEvents?: boolean;
  /** Runs a webhook dispatcher for the harness's tenant, with this retry schedule. */
  webhookRetry?: WebhookRetry;
}

export interface Harness {
  db: Kysely<Database>;
  client: Client;
  tenant: Tenant;
  taskQueue: string;
  baseUrl: string;
  /** A key of `role` for the tenant (default: the harness's), made once and reused. */
  keyFor(role: Role, tenantId?: string): Promise<string>;
  /** Calls the API with a key of `role` for the harness's tenant. */
  apiAs(
    role: Role,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
  /**
   * Calls the API over HTTP with an admin key of the harness's tenant, or of the
   * tenant an X-Errand-Tenant header names (the header itself is ignored by the API).
   */
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
  /** Calls the API with only the headers given: no credential unless they carry one. */
  raw(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
  /** Another tenant of the same deployment. */
  newTenant(): Promise<Tenant>;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/**
 * A real worker on the run's Temporal server, a real API on a free port, real
 * Postgres, and a fresh tenant and task queue, so test files never collide.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  const address = options.temporalAddress ?? inject('temporalAddress');
  const db = createDb({ url: inject('databaseUrl'), maxConnections: 5 });
  const tenant = await ensureTenant(db, {
    id: options.tenantId ?? `t-${randomUUID().slice(0, 8)}`,
    timezone: options.timezone ?? 'UTC',
    settings: options.settings,
  });
  const taskQueue = options.taskQueue ?? `errand-test-${randomUUID()}`;
  const allowPrivateNetwork = options.allowPrivateNetwork ?? true;
  const keyRing = options.keyRing === null ? undefined : (options.keyRing ?? TEST_KEY_RING);
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, dataConverter: errandDataConverter(TEST_KEY_RING) });
  // A test's own adapters (options.deps) stand in for the built-in ones everywhere they are used.
  // Schedules' runs and conversations' messages submit as the harness's API does.
  const submitting = {
    db,
    temporal: client,
    planner: options.planner ?? createRulesPlanner(),
    logger: pino({ level: 'silent' }),
    now: options.now,
  };
  const deps: ActivityDeps = createActivityDeps({
    db,
    temporal: client,
    outbound: createOutboundHttp({
      allowPrivateNetwork,
      timeoutMs: 10_000,
      maxResponseBytes: WEBHOOK_MAX_RESPONSE_BYTES,
    }),
    meetingLinkBase: 'https://meet.example.com/t/',
    reminderGraceMs: 60_000,
    keyRing,
    google: options.google,
    providers: { allowPrivateNetwork, timeoutMs: 10_000 },
    publicUrl: TEST_PUBLIC_URL,
    scheduledRuns: createScheduledRuns(submitting),
    conversations: createConversationTurns(submitting),
    ...options.deps,
  });
  const activities = createActivities(deps);
  const nativeConnection = await NativeConnection.connect({ address });
  const worker =
    options.worker === false
      ? null
      : await Worker.create({
          connection: nativeConnection,
          taskQueue,
          activities: options.wrapActivities ? options.wrapActivities(activities) : activities,
          workflowBundle: { codePath: inject('workflowBundlePath') },
          dataConverter: errandDataConverter(TEST_KEY_RING),
        });
  const running = worker?.run();
  const planEvents =
    options.planEvents === false
      ? undefined
      : listenForPlanEvents(inject('databaseUrl'), pino({ level: 'silent' }));
  const webhooks =
    options.webhookRetry &&
    createWebhookDispatcher({
      db,
      temporal: client,
      taskQueue,
      logger: pino({ level: 'silent' }),
      retry: options.webhookRetry,
      tenantId: tenant.id,
      onQueued: planEvents && ((wake) => planEvents.onDeliveriesQueued(wake)),
    }).start(500);
  const shutdown = new AbortController();
  const app = createApp({
    db,
    planEvents,
    shutdown: shutdown.signal,
    streamLimits: options.streamLimits,
    temporal: client,
    calendar: deps.calendar,
    planner: options.planner ?? createRulesPlanner(),
    now: options.now,
    taskQueue,
    logger: pino({ level: 'silent' }),
    keyPepper: TEST_PEPPER,
    operatorKey: TEST_OPERATOR_KEY,
    bodyLimit: '64kb',
    webUiUrl: 'http://localhost:8233',
    allowPrivateNetwork,
    keyRequestsPerMinute: options.keyRequestsPerMinute,
    jwt: options.jwt,
    databaseKind: inject('databaseKind'),
    keyRing,
    google: options.google,
    publicUrl: TEST_PUBLIC_URL,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;

  const keys = new Map<string, Promise<string>>();
  const keyFor = (role: Role, tenantId = tenant.id) => {
    const id = `${tenantId} ${role}`;
    let key = keys.get(id);
    if (!key) {
      key = createApiKey(db, TEST_PEPPER, { tenant: tenantId, role, name: `test-${role}` }).then(
        (k) => k.key,
      );
      keys.set(id, key);
    }
    return key;
  };
  const call = async (
    key: string,
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<ApiResponse> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };

  return {
    db,
    client,
    tenant,
    taskQueue,
    baseUrl,
    keyFor,
    async apiAs(role, method, path, body, headers = {}) {
      return call(await keyFor(role), method, path, body, headers);
    },
    async api(method, path, body, headers = {}) {
      const named = headers['x-errand-tenant'];
      return call(await keyFor('admin', named ?? tenant.id), method, path, body, headers);
    },
    async raw(method, path, body, headers = {}) {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body:
          body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
    },
    newTenant: () => ensureTenant(db, { id: `t-${randomUUID().slice(0, 8)}` }),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      shutdown.abort();
      await closed;
      await webhooks?.stop();
      await planEvents?.close();
      worker?.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await db.destroy();
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A wall-clock ISO time `days` from now at `hour`:00 in UTC, for bookings that never clash across runs. */
export function futureSlot(days: number, hour: number, minute = 0): string {
  const d = new Date(Date.now() + days * 24 * 3600 * 1000);
  d.setUTCHours(hour, minute, 0, 0);
  return d.toISOString().slice(0, 19);
}
