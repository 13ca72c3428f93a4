import { Router, type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  CONNECTION_PROVIDERS,
  deleteConnection,
  listConnections,
  saveConnection,
  type ConnectionView,
} from '../connections/connections-repository';
import { connectionNeeds } from '../connections/provider-needs';
import type { KeyRing } from '../crypto/key-ring';
import type { Database } from '../db/database';
import { outboundUrlProblem } from '../net/url-policy';
import { eventWebhookKey } from '../providers/sendgrid-config';
import { DeploymentNotConfiguredError, HttpError, notFound } from './http-error';
import { parseBody } from './parse-body';
import { requireJson } from './require-json';
import { tenantOf } from './tenant-context';

export interface ConnectionsRoutesDeps {
  db: Kysely<Database>;
  /** ERRAND_ENCRYPTION_KEYS; without it no connection can be stored or used. */
  keyRing?: KeyRing;
  /** ERRAND_ALLOW_PRIVATE_NETWORK: whether base_url may be http or a private address (tests' loopback). */
  allowPrivateNetwork: boolean;
  now: () => Date;
}

/** A provider's own host (a region, a test stand-in), held to the outbound network policy. */
const baseUrl = (allowPrivateNetwork: boolean) =>
  z
    .string()
    .max(2048)
    .superRefine((url, ctx) => {
      const problem = outboundUrlProblem(url, { allowPrivateNetwork });
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional();

export const sendgridBody = (allowPrivateNetwork: boolean) =>
  z.strictObject({
    api_key: z
      .string()
      .max(512)
      .regex(/^SG\.[A-Za-z0-9_.-]{10,}$/, 'must be a SendGrid API key (SG.…)'),
    /** The verified sender SendGrid sends from. */
    from: z.email().max(320),
    base_url: baseUrl(allowPrivateNetwork),
    webhook_public_key: z
      .string()
      .max(4096)
      .superRefine((text, ctx) => {
        try {
          eventWebhookKey(text);
        } catch {
          ctx.addIssue({
            code: 'custom',
            message: "must be the Event Webhook's verification key (ECDSA P-256, base64 or PEM)",
          });
        }
      })
      .optional(),
  });

export const twilioBody = (allowPrivateNetwork: boolean) =>
  z.strictObject({
    account_sid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio Account SID (AC…)'),
    auth_token: z
      .string()
      .min(16)
      .max(256)
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
    /** The Twilio number (or verified caller id) SMS and calls come from. */
    from: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 (+14155550100)'),
    base_url: baseUrl(allowPrivateNetwork),
  });

export const providerParam = z.enum(CONNECTION_PROVIDERS);

/**
 * The tenant's connections to providers. PUT stores the credentials sealed
 * under ERRAND_ENCRYPTION_KEYS; no route ever answers with a secret.
 */
export function connectionsRoutes(deps: ConnectionsRoutesDeps): Router {
  const { db } = deps;
  const router = Router();
  const needsKeyRing: RequestHandler = (_req, _res, next) => {
    next(
      deps.keyRing
        ? undefined
        : new DeploymentNotConfiguredError(
            'encryption_not_configured',
            'this deployment has no encryption key (ERRAND_ENCRYPTION_KEYS), so it cannot keep ' +
              "tenants' credentials; its operator must set one",
          ),
    );
  };

  router.get('/v1/connections', needsKeyRing, async (_req, res) => {
    const connections = await listConnections(db, tenantOf(res).id);
    res.json({ data: connections.map(view) });
  });

  router.put('/v1/connections/sendgrid', needsKeyRing, requireJson, async (req, res) => {
    const body = parseBody(sendgridBody(deps.allowPrivateNetwork), req.body);
    const saved = await saveConnection(db, deps.keyRing!, {
      tenantId: tenantOf(res).id,
      provider: 'sendgrid',
      secret: body.api_key,
      config: {
        base_url: body.base_url ?? null,
        from: body.from,
        webhook_public_key: body.webhook_public_key ?? null,
      },
      now: deps.now(),
    });
    res.json(view(saved));
  });

  router.put('/v1/connections/twilio', needsKeyRing, requireJson, async (req, res) => {
    const body = parseBody(twilioBody(deps.allowPrivateNetwork), req.body);
    const saved = await saveConnection(db, deps.keyRing!, {
      tenantId: tenantOf(res).id,
      provider: 'twilio',
      secret: body.auth_token,
      config: { account_sid: body.account_sid, from: body.from, base_url: body.base_url ?? null },
      now: deps.now(),
    });
    res.json(view(saved));
  });

  router.delete('/v1/connections/:provider', needsKeyRing, async (req, res) => {
    const parsed = providerParam.safeParse(req.params.provider);
    if (!parsed.success) throw notFound(`connection ${req.params.provider}`);
    const tenant = tenantOf(res);
    const inUse = connectionNeeds(tenant.settings.providers).find(
      (need) => need.provider === parsed.data,
    );
    if (inUse) {
      const family = inUse.path.split('.')[1];
      throw new HttpError(
        409,
        'connection_in_use',
        `${family} goes through ${inUse.choice}: set ${inUse.path} to "${family === 'calendar' ? 'builtin' : 'outbox'}" with PUT /v1/settings first`,
        [{ path: inUse.path, message: `is ${inUse.choice}` }],
      );
    }
    for (const family of ['sms', 'call'] as const) {
      if (tenant.settings.providers[family] === parsed.data) {
        throw new HttpError(
          409,
          'connection_in_use',
          `${family} goes through ${parsed.data}: set providers.${family} to "outbox" with PUT /v1/settings first`,
          [{ path: `providers.${family}`, message: `is ${parsed.data}` }],
        );
      }
    }
    if (!(await deleteConnection(db, tenant.id, parsed.data))) {
      throw notFound(`connection ${parsed.data}`);
    }
    res.json({ provider: parsed.data, disconnected: true });
  });
  return router;
}

/** What is shown of a connection: its health and its non-secret config, never its secret. */
function view(connection: ConnectionView) {
  return {
    provider: connection.provider,
    status: connection.status,
    last_error: connection.lastError,
    config: connection.config,
    created_at: connection.createdAt.toISOString(),
    updated_at: connection.updatedAt.toISOString(),
  };
}
