import type { RequestHandler } from 'express';
import { HttpError } from '../api/http-error';
import { principalOf } from '../api/tenant-context';
import { ROLES, type Role } from './api-key';

/** Who may call a route: the lowest tenant role, and whether the operator key may. */
export interface Permission {
  role: Role | null;
  operator: boolean;
}

const tenant = (role: Role): Permission => ({ role, operator: false });

/**
 * Every authenticated route and who may call it; the one place roles are decided.
 * Roles form a ladder: each may do what the ones below it may.
 */
export const PERMISSIONS: Readonly<Record<string, Permission>> = {
  'GET /v1/plans': tenant('viewer'),
  'GET /v1/plans/:id': tenant('viewer'),
  'GET /v1/plans/:id/stream': tenant('viewer'),
  'GET /v1/decisions': tenant('viewer'),
  'GET /v1/analytics': tenant('viewer'),
  'GET /v1/calendar/events': tenant('viewer'),
  'GET /v1/outbox': tenant('viewer'),
  'GET /v1/outbox/:id': tenant('viewer'),
  'GET /v1/reminders': tenant('viewer'),
  'GET /v1/reminders/:id': tenant('viewer'),
  'GET /v1/settings': tenant('viewer'),
  'GET /v1/tools': tenant('viewer'),
  'GET /v1/contacts': tenant('viewer'),
  'GET /v1/contacts/:id': tenant('viewer'),
  'POST /v1/contacts': tenant('submitter'),
  'PUT /v1/contacts/:id': tenant('submitter'),
  'DELETE /v1/contacts/:id': tenant('submitter'),
  'POST /v1/contacts/import': tenant('admin'),
  'POST /v1/plans': tenant('submitter'),
  'POST /v1/intents': tenant('submitter'),
  // Each conversation is its owner's alone, whatever the role; posting plans, so a submitter's.
  'POST /v1/conversations': tenant('submitter'),
  'POST /v1/conversations/:id/messages': tenant('submitter'),
  'GET /v1/conversations': tenant('viewer'),
  'GET /v1/conversations/:id': tenant('viewer'),
  'GET /v1/conversations/:id/stream': tenant('viewer'),
  'POST /v1/plans/:id/cancel': tenant('submitter'),
  'POST /v1/plans/validate': tenant('submitter'),
  'POST /v1/plans/:id/execute': tenant('submitter'),
  'POST /v1/plans/:id/retry': tenant('submitter'),
  'PATCH /v1/calendar/events/:id': tenant('submitter'),
  'DELETE /v1/calendar/events/:id': tenant('submitter'),
  'DELETE /v1/reminders/:id': tenant('submitter'),
  'POST /v1/plans/:id/approve': tenant('approver'),
  'POST /v1/plans/:id/reject': tenant('approver'),
  'PUT /v1/settings': tenant('admin'),
  'GET /v1/settings/webhook-secret': tenant('admin'),
  'POST /v1/settings/webhook-secret/rotate': tenant('admin'),
  // Whoever holds the inbound secret can start plans as the tenant.
  'GET /v1/settings/inbound-secret': tenant('admin'),
  'POST /v1/settings/inbound-secret/rotate': tenant('admin'),
  'GET /v1/keys': tenant('admin'),
  'DELETE /v1/keys/:id': tenant('admin'),
  'GET /v1/connections': tenant('admin'),
  'PUT /v1/connections/sendgrid': tenant('admin'),
  'PUT /v1/connections/twilio': tenant('admin'),
  // A relay rewrites what every key of the tenant is told about its messages; no narrower role exists yet.
  'POST /v1/outbox/:id/delivery': tenant('admin'),
  'DELETE /v1/connections/:provider': tenant('admin'),
  'GET /v1/connections/google/authorize': tenant('admin'),
  // A subscription sees every plan's events, and its secret signs them.
  'POST /v1/webhooks': tenant('admin'),
  'GET /v1/webhooks': tenant('admin'),
  'GET /v1/webhooks/:id': tenant('admin'),
  'POST /v1/webhooks/:id/pause': tenant('admin'),
  'POST /v1/webhooks/:id/resume': tenant('admin'),
  'DELETE /v1/webhooks/:id': tenant('admin'),
  'GET /v1/webhooks/:id/deliveries': tenant('admin'),
  // A schedule submits plans as its creator, so making and changing one is a submitter's act.
  'POST /v1/schedules': tenant('submitter'),
  'GET /v1/schedules': tenant('viewer'),
  'GET /v1/schedules/:id': tenant('viewer'),
  'POST /v1/schedules/:id/pause': tenant('submitter'),
  'POST /v1/schedules/:id/resume': tenant('submitter'),
  'POST /v1/schedules/:id/trigger': tenant('submitter'),
  'DELETE /v1/schedules/:id': tenant('submitter'),
  'POST /v1/keys': { role: 'admin', operator: true },
  'POST /v1/tenants': { role: null, operator: true },
  // One deployment key seals every tenant's payloads, so only the operator may decode.
  'POST /codec/encode': { role: null, operator: true },
  'POST /codec/decode': { role: null, operator: true },
};

/**
 * Routes a vendor calls, authenticated by the vendor's signature instead of an
 * API key, and so outside PERMISSIONS: what each one verifies. They are served
 * before API keys are checked and act only on the tenant their path names.
 */
export const SIGNED_ROUTES: Readonly<Record<string, string>> = {
  'POST /v1/webhooks/sendgrid/:tenant':
    "SendGrid's Event Webhook: ECDSA signature under the public key of the tenant's SendGrid connection",
  'GET /v1/connections/google/callback':
    "Google's OAuth redirect: a state Errand signed (HMAC-SHA256 under a key of ERRAND_ENCRYPTION_KEYS) for the tenant and user who asked, unexpired and used once",
  'POST /v1/webhooks/twilio/:tenant':
    "Twilio's status callback: X-Twilio-Signature (HMAC-SHA1) under the auth token of the tenant's Twilio connection",
  'POST /v1/inbound/:source':
    'An inbound trigger: Standard Webhooks signature (HMAC-SHA256 over webhook-id, webhook-timestamp within 5 minutes and the raw body) under the inbound secret of the tenant the errand-tenant header names',
};

export const roleAtLeast = (have: Role, need: Role) => ROLES.indexOf(have) >= ROLES.indexOf(need);

/** Refuses the request with 403 unless the principal may call the route `route` (a key of PERMISSIONS). */
export function requireRole(route: string): RequestHandler {
  const permission = PERMISSIONS[route];
  if (!permission) throw new Error(`no permission for ${route}`);
  return (_req, res, next) => {
    const principal = principalOf(res);
    if (principal.kind === 'operator') {
      next(
        permission.operator
          ? undefined
          : new HttpError(
              403,
              'forbidden',
              'the operator key only creates tenants and keys and runs the payload codec; use a key of the tenant to act for it',
            ),
      );
      return;
    }
    if (permission.role && roleAtLeast(principal.role, permission.role)) {
      next();
      return;
    }
    next(
      new HttpError(
        403,
        'forbidden',
        permission.role
          ? `this needs a key with the role ${permission.role} or above; this ${principal.kind === 'jwt' ? 'token' : 'key'} is ${principal.role}`
          : 'only the operator key may do this',
      ),
    );
  };
}

function pattern(route: string): { method: string; path: RegExp } {
  const [method, path] = route.split(' ') as [string, string];
  const source = path
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { method, path: new RegExp(`^${source}/?$`) };
}

const MATCHERS = Object.keys(PERMISSIONS).map((route) => ({
  route,
  check: requireRole(route),
  ...pattern(route),
}));

/**
 * Applies PERMISSIONS to every authenticated request, by its method and path,
 * before any route runs. A request no entry names goes on to the 404 for unknown routes.
 */
export const enforcePermissions: RequestHandler = (req, res, next) => {
  const path = req.baseUrl + req.path;
  const match = MATCHERS.find((m) => m.method === req.method && m.path.test(path));
  if (!match) {
    next();
    return;
  }
  match.check(req, res, next);
};
