import { httpMetrics } from './http-metrics';
import { webUiLinkFor } from './web-ui-link';
import { metricsRoutes } from './metrics-routes';
import type { Client } from '@temporalio/client';
import express from 'express';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Database } from '../db/database';
import type { DatabaseKind } from '../db/database-server';
import type { Planner } from '../planner/planner';
import { createRulesPlanner } from '../planner/rules-planner';
import type { CalendarProvider } from '../providers/calendar-provider';
import { calendarRoutes } from './calendar-routes';
import { catalogRoutes } from './catalog-routes';
import { errorHandler, unknownRoute } from './http-error';
import { outboxRoutes } from './outbox-routes';
import { createPlanService } from './plan-service';
import { planControlRoutes } from './plan-control-routes';
import { createPlanRuns } from './plan-runs';
import { planRunsRoutes } from './plan-runs-routes';
import { plansRoutes } from './plans-routes';
import { refuseUnsafeStrings } from './refuse-unsafe-strings';
import { createIntentService } from './intent-service';
import { intentsRoutes } from './intents-routes';
import { remindersRoutes } from './reminders-routes';
import { settingsRoutes } from './settings-routes';
import { requestIdOf } from './request-id';
import { webhookSecretRoutes } from './webhook-secret-routes';
import { authenticate } from './tenant-context';
import { keyRoutes } from './key-routes';
import { tenantRoutes } from './tenant-routes';
import { BUILT_IN_PEPPER } from '../auth/api-key';
import { enforcePermissions } from '../auth/permissions';
import { keyRateLimit, postgresRequestCounter } from './key-rate-limit';
import { admission } from './admission';
import type { PlanEventFeed } from './plan-event-feed';
import { planStreamRoutes, type PlanStreamDeps } from './plan-stream-routes';
import { toolsRoutes } from './tools-routes';
import { contactsRoutes } from './contacts-routes';
import type { JwtVerifier } from '../auth/jwt-verifier';
import type { KeyRing } from '../crypto/key-ring';
import { EncryptionCodec } from '../temporal/encryption-codec';
import { codecBodyParser, codecCors, codecRoutes } from './codec-routes';
import { connectionsRoutes } from './connections-routes';
import { sendgridWebhookRoutes } from './sendgrid-webhook-routes';
import type { GoogleConfig } from '../providers/google-config';
import { googleAuthorizeRoutes, googleCallbackRoutes } from './google-oauth-routes';
import { twilioWebhookRoutes } from './twilio-webhook-routes';
import { automationCallbackRoutes } from './automation-callback-routes';
import { createScheduleService } from '../schedules/schedule-service';
import { schedulesRoutes } from './schedules-routes';
import { webhooksRoutes } from './webhooks-routes';
import { conversationsRoutes } from './conversations-routes';
import { inboundRoutes } from './inbound-routes';
import { inboundSecretRoutes } from './inbound-secret-routes';
import { openapiRoutes } from './openapi-routes';
import { webRoutes } from './web-routes';

export interface AppDeps {
  db: Kysely<Database>;
  temporal: Client;
  calendar: CalendarProvider;
  planner: Planner;
  now?: () => Date;
  taskQueue: string;
  logger: Logger;
  /** ERRAND_KEY_PEPPER, which API keys are hashed under; default: a built-in one, for development. */
  keyPepper?: string;
  /** ERRAND_OPERATOR_KEY: the deployment's key for creating tenants; unset: none. */
  operatorKey?: string;
  /** Verifies JWT bearer tokens (ERRAND_JWT_*); unset: only API keys are accepted. */
  jwt?: JwtVerifier;
  bodyLimit: string;
  /** Base address of the Temporal Web UI, for links to runs. */
  webUiUrl: string;
  /** ERRAND_ALLOW_PRIVATE_NETWORK, for checking webhook URLs as they are saved; default false. */
  allowPrivateNetwork?: boolean;
  /** How long starting a plan's workflow may take before the plan is left to the reconciler; default 5 s. */
  startTimeoutMs?: number;
  /** Test-only: runs right after a plan's row is written, before its workflow starts. */
  afterPlanInsert?: () => void;
  /** ERRAND_KEY_REQUESTS_PER_MINUTE: requests each API key may make per minute; 0 or unset: no limit. */
  keyRequestsPerMinute?: number;
  /** Requests served at once under /v1; more get 503 overloaded. Default: unlimited. */
  maxInFlight?: number;
  /** A pool of its own for /readyz, so the check answers while the API's pool is saturated. */
  healthDb?: Kysely<Database>;
  /** Reported by /readyz: whether Errand started its own Postgres. */
  databaseKind: DatabaseKind;
  /** ERRAND_METRICS_TOKEN: may read /metrics, as the operator key may. */
  metricsToken?: string;
  /** True once a shutdown has begun: /readyz answers 503 so traffic moves elsewhere. */
  draining?: () => boolean;
  /** ERRAND_ENCRYPTION_KEYS: the codec endpoint's and tenants' connections' keys; unset: the codec answers that nothing is encrypted and the connection routes answer 503. */
  keyRing?: KeyRing;
  /** ERRAND_GOOGLE_*: the deployment's Google OAuth client; unset: the Google connection routes answer 503. */
  google?: GoogleConfig;
  /** ERRAND_PUBLIC_URL: the address vendors' status callbacks were given, which Twilio's signature covers. */
  publicUrl?: string;
  /** Wakes plan streams when a plan has a new event (see listenForPlanEvents); unset: they poll. */
  planEvents?: PlanEventFeed;
  /** Aborted when the server shuts down: open plan streams end. */
  shutdown?: AbortSignal;
  /** Overrides of the plan streams' limits (tests shorten the heartbeat). */
  streamLimits?: PlanStreamDeps['limits'];
}

const HEALTH_CHECK_MS = 2_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** Builds the Express app; the caller owns every client in `deps`. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(pinoHttp({ logger: deps.logger, quietReqLogger: true, genReqId: requestIdOf }));
  app.use(httpMetrics);
  // Before the body is read, so a refused request costs next to nothing.
  if (deps.maxInFlight) app.use('/v1', admission({ maxInFlight: deps.maxInFlight }).handler);
  app.use('/codec', codecCors(new URL(deps.webUiUrl).origin), codecBodyParser);
  // Signed by SendGrid rather than called with a key, and verified over its raw bytes.
  app.use(sendgridWebhookRoutes({ db: deps.db, now: deps.now ?? (() => new Date()) }));
  // Google sends the admin's browser back here: authenticated by the signed state, not a key.
  app.use(
    googleCallbackRoutes({
      db: deps.db,
      keyRing: deps.keyRing,
      google: deps.google,
      now: deps.now ?? (() => new Date()),
    }),
  );
  app.use(
    twilioWebhookRoutes({
      db: deps.db,
      keyRing: deps.keyRing,
      publicUrl: deps.publicUrl,
      now: deps.now ?? (() => new Date()),
    }),
  );
  // Signed with the tenant's inbound secret, not called with a key, and verified over its raw
  // bytes; it needs the intent service made below, so it is filled in once that exists.
  const inbound: { routes?: express.Router } = {};
  app.use((req, res, next) => (inbound.routes ? inbound.routes(req, res, next) : next()));
  app.use(express.json({ limit: deps.bodyLimit, strict: true }), refuseUnsafeStrings);
  // Called by the tenant's automations with the signed URL they were given, not with a key.
  app.use(
    automationCallbackRoutes({
      temporal: deps.temporal,
      keyRing: deps.keyRing,
      now: deps.now ?? (() => new Date()),
    }),
  );

  // Alive: the process serves HTTP. Orchestrators restart on this, so it checks nothing else.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', draining: deps.draining?.() ?? false });
  });
  // Ready: worth sending requests to. Load balancers route on this.
  app.get('/readyz', async (_req, res) => {
    if (deps.draining?.()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    // Bounded, so a server that does not answer shows as down instead of hanging the check.
    const checks = await Promise.allSettled([
      withTimeout(sql`select 1`.execute(deps.healthDb ?? deps.db), HEALTH_CHECK_MS),
      withTimeout(deps.temporal.workflowService.getSystemInfo({}), HEALTH_CHECK_MS),
    ]);
    const [database, temporal] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'down'));
    const ok = database === 'ok' && temporal === 'ok';
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'degraded',
      database,
      database_kind: deps.databaseKind,
      temporal,
    });
  });
  app.use(openapiRoutes());
  app.use(webRoutes());
  app.use(
    metricsRoutes({
      db: deps.healthDb ?? deps.db,
      access: {
        token: deps.metricsToken,
        operatorKey: deps.operatorKey,
        pepper: deps.keyPepper ?? BUILT_IN_PEPPER,
      },
    }),
  );

  const webUiLink = webUiLinkFor(deps.webUiUrl, deps.temporal.options.namespace);
  app.use(catalogRoutes());
  const pepper = deps.keyPepper ?? BUILT_IN_PEPPER;
  const now = deps.now ?? (() => new Date());
  app.use(
    ['/v1', '/codec'],
    authenticate({ db: deps.db, pepper, operatorKey: deps.operatorKey, now, jwt: deps.jwt }),
    ...(deps.keyRequestsPerMinute
      ? [
          keyRateLimit({
            perMinute: deps.keyRequestsPerMinute,
            counter: postgresRequestCounter(deps.db),
            now,
            logger: deps.logger,
          }),
        ]
      : []),
    enforcePermissions,
  );
  app.use(toolsRoutes());
  app.use(contactsRoutes(deps.db));
  app.use(tenantRoutes({ db: deps.db, pepper }));
  app.use(keyRoutes({ db: deps.db, pepper, now }));
  // What starting a plan's workflow needs, for a submission and for an execute or retry alike.
  const starting = {
    db: deps.db,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    startTimeoutMs: deps.startTimeoutMs ?? 5_000,
    logger: deps.logger,
    now,
  };
  const plans = createPlanService({ ...starting, afterInsert: deps.afterPlanInsert });
  app.use(
    planStreamRoutes({
      db: deps.db,
      feed: deps.planEvents,
      shutdown: deps.shutdown,
      webUiLink,
      limits: deps.streamLimits,
    }),
  );
  app.use(plansRoutes({ db: deps.db, plans, webUiLink }));
  const intents = createIntentService({
    db: deps.db,
    planner: deps.planner,
    check: createRulesPlanner(),
    plans,
    logger: deps.logger,
    now: deps.now ?? (() => new Date()),
  });
  app.use(intentsRoutes({ db: deps.db, intents, webUiLink }));
  inbound.routes = inboundRoutes({ db: deps.db, intents, now });
  app.use(
    conversationsRoutes({
      db: deps.db,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      feed: deps.planEvents,
      shutdown: deps.shutdown,
      limits: deps.streamLimits,
      webUiLink,
    }),
  );
  const schedules = createScheduleService({ ...starting, plans, planner: deps.planner });
  app.use(
    schedulesRoutes({
      db: deps.db,
      temporal: deps.temporal,
      schedules,
      webUiUrl: deps.webUiUrl,
      webUiLink,
    }),
  );
  app.use(planControlRoutes({ ...deps, webUiLink }));
  const runs = createPlanRuns(starting);
  app.use(planRunsRoutes({ db: deps.db, runs, webUiLink }));
  app.use(calendarRoutes(deps));
  app.use(outboxRoutes(deps.db, now));
  app.use(remindersRoutes(deps));
  app.use(settingsRoutes({ db: deps.db, allowPrivateNetwork: deps.allowPrivateNetwork ?? false }));
  app.use(
    codecRoutes({
      codec: deps.keyRing && new EncryptionCodec(deps.keyRing),
      namespace: deps.temporal.options.namespace,
    }),
  );
  app.use(webhookSecretRoutes({ db: deps.db, now: deps.now ?? (() => new Date()) }));
  app.use(inboundSecretRoutes({ db: deps.db, now }));
  app.use(webhooksRoutes({ db: deps.db, allowPrivateNetwork: deps.allowPrivateNetwork ?? false }));
  app.use(
    connectionsRoutes({
      db: deps.db,
      keyRing: deps.keyRing,
      allowPrivateNetwork: deps.allowPrivateNetwork ?? false,
      now: deps.now ?? (() => new Date()),
    }),
  );
  app.use(
    googleAuthorizeRoutes({
      db: deps.db,
      keyRing: deps.keyRing,
      google: deps.google,
      now: deps.now ?? (() => new Date()),
    }),
  );
  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
