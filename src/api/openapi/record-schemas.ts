import { z } from 'zod';
import { ROLES } from '../../auth/api-key';
import { ACTION_TYPES } from '../../plan/action-types';
import {
  CONNECTION_PROVIDERS,
  CONNECTION_STATUSES,
} from '../../connections/connections-repository';
import { tenantSettingsSchema } from '../../tenants/tenant-settings';
import { instant, json, jsonObject, pageOf } from './common-schemas';

/**
 * The response bodies of the tenant's records (outbox, reminders, calendar,
 * contacts), its keys, settings, secrets, webhooks and connections, and of the
 * health checks and vendor callbacks, for the OpenAPI document: each the shape
 * its route builds, checked against real responses by test/integration/openapi.test.ts.
 */

/** outbox-routes.ts's messageView. */
export const outboxMessage = z
  .object({
    id: z.uuid(),
    channel: z.string(),
    recipients: z.array(z.string()),
    subject: z.string().nullable(),
    body: z.string().nullable(),
    payload: json,
    status: z.string().meta({ description: '`queued`, `sent`, `delivered` or `failed`.' }),
    provider: z.string().meta({ description: '`outbox` (the built-in one) or a provider.' }),
    vendor_message_id: z.string().nullable(),
    status_detail: z.string().nullable(),
    status_updated_at: instant.nullable(),
    plan_id: z.uuid().nullable(),
    step: z.int().nullable(),
    created_at: instant,
  })
  .meta({ id: 'OutboxMessage' });

export const outboxPage = pageOf(outboxMessage);

/** reminders-routes.ts's reminderView. */
export const reminder = z
  .object({
    id: z.uuid(),
    status: z.enum(['pending', 'fired', 'cancelled']),
    fire_at: instant,
    fired_at: instant.nullable(),
    channel: z.string(),
    recipients: z.array(z.string()),
    message: z.string(),
    meeting_id: z.string().nullable(),
    plan_id: z.uuid().nullable(),
    step: z.int().nullable(),
    workflow_id: z.string(),
  })
  .meta({ id: 'Reminder' });

export const reminderPage = pageOf(reminder);

/** A calendar's Meeting. */
export const meeting = z
  .object({
    meeting_id: z.string(),
    calendar: z.string(),
    title: z.string(),
    start_time: instant,
    end_time: instant,
    attendees: z.array(z.string()),
    join_link: z.string(),
    status: z.enum(['confirmed', 'cancelled']),
    description: z.string().nullable(),
    location: z.string().nullable(),
    cancel_reason: z.string().nullable(),
  })
  .meta({ id: 'Meeting' });

/** A ListedMeeting: where it came from too (the built-in calendar fills these; Google's may not). */
export const meetingPage = pageOf(
  meeting.extend({
    plan_id: z.uuid().nullable().optional(),
    step: z.int().nullable().optional(),
    created_at: instant.optional(),
  }),
);

/** contacts-routes.ts's view. */
export const contact = z
  .object({
    id: z.uuid(),
    name: z.string(),
    emails: z.array(z.string()),
    phones: z.array(z.string()),
    aliases: z.array(z.string()),
    user_id: z.string().nullable(),
    score: z.number().optional().meta({ description: 'How well it matched `q`, when searched.' }),
    created_at: instant,
    updated_at: instant,
  })
  .meta({ id: 'Contact' });

export const contactPage = pageOf(contact);

/** POST /v1/contacts/import. */
export const contactsImported = z.object({ created: z.int(), updated: z.int() });

/** An API key as shown: never its secret, except `key` once on creation. */
export const apiKey = z
  .object({
    id: z.string(),
    prefix: z.string(),
    tenant: z.string(),
    role: z.enum(ROLES),
    name: z.string().nullable(),
    user: z.string().nullable(),
    created_at: instant,
    expires_at: instant.nullable(),
    revoked_at: instant.nullable(),
    last_used_at: instant.nullable(),
  })
  .meta({ id: 'ApiKey' });

export const apiKeyCreated = apiKey.extend({
  key: z.string().meta({ description: 'The key itself: shown this once.' }),
});

export const apiKeyList = z.object({ data: z.array(apiKey) });

/** POST /v1/tenants. */
export const tenantCreated = z.object({
  tenant: z.object({ id: z.string(), name: z.string(), timezone: z.string() }),
  key: z.string().meta({ description: "The tenant's first admin key: shown this once." }),
  key_info: apiKey,
});

/** GET and PUT /v1/settings: the tenant's settings with their defaults, its id and time zone. */
export const settings = tenantSettingsSchema
  .extend({ tenant_id: z.string(), timezone: z.string() })
  .meta({ id: 'Settings' });

/** The webhook and inbound secrets' view. */
export const signingSecret = z.object({
  secret: z.string(),
  created_at: instant,
  rotated_at: instant.nullable(),
  previous_secret_valid_until: instant
    .nullable()
    .meta({ description: 'Until when the secret it replaced is still accepted.' }),
});

/** webhooks-routes.ts's view; `secret` on creation and on GET of the one subscription. */
export const webhookSubscription = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    status: z.enum(['active', 'paused']),
    paused_at: instant.nullable(),
    secret: z.string().optional(),
    created_by: z.string(),
    created_at: instant,
    updated_at: instant,
  })
  .meta({ id: 'WebhookSubscription' });

export const webhookSubscriptionPage = pageOf(webhookSubscription);

/** webhooks-routes.ts's deliveryView. */
export const webhookDeliveryPage = pageOf(
  z
    .object({
      id: z.string(),
      event_id: z.string(),
      type: z.string(),
      state: z.string(),
      attempts: z.array(
        z.object({
          attempt: z.int(),
          at: instant,
          status: z.int().nullable(),
          error: z.string().nullable(),
          response: z.string().nullable(),
          duration_ms: z.number(),
        }),
      ),
      last_error: z.string().nullable(),
      delivered_at: instant.nullable(),
      created_at: instant,
    })
    .meta({ id: 'WebhookDelivery' }),
);

/** connections-routes.ts's view: never the secret. */
export const connection = z
  .object({
    provider: z.enum(CONNECTION_PROVIDERS),
    status: z.enum(CONNECTION_STATUSES),
    last_error: z.string().nullable(),
    config: jsonObject,
    created_at: instant,
    updated_at: instant,
  })
  .meta({ id: 'Connection' });

export const connectionList = z.object({ data: z.array(connection) });

export const connectionDeleted = z.object({
  provider: z.enum(CONNECTION_PROVIDERS),
  disconnected: z.literal(true),
});

/** GET /v1/connections/google/authorize. */
export const googleConsent = z.object({
  url: z.string().meta({ description: "Google's consent page, for the admin to open." }),
  services: z.array(z.string()),
  expires_at: instant,
});

/** GET /v1/connections/google/callback. */
export const googleConnected = z.object({
  provider: z.literal('google'),
  status: z.enum(CONNECTION_STATUSES),
  tenant_id: z.string(),
  scopes: z.array(z.string()),
});

/** The codec's Payloads, protobuf JSON. */
export const codecPayloads = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()), data: z.string() })),
});

/** POST /v1/webhooks/sendgrid/:tenant. */
export const sendgridReceived = z.object({ received: z.int(), updated: z.int() });

/** POST /v1/webhooks/twilio/:tenant. */
export const twilioReceived = z.object({ received: z.literal(true), updated: z.int() });

/** POST /v1/automations/callbacks/:token. */
export const automationReported = z.object({
  plan_id: z.uuid(),
  step: z.int(),
  status: z.enum(['succeeded', 'failed']),
});

/** GET /healthz. */
export const health = z.object({ status: z.literal('ok'), draining: z.boolean() });

/** GET /readyz: 200 when ready, 503 `degraded` or `draining`. */
export const readiness = z.union([
  z.object({
    status: z.enum(['ok', 'degraded']),
    database: z.enum(['ok', 'down']),
    database_kind: z.string(),
    temporal: z.enum(['ok', 'down']),
  }),
  z.object({ status: z.literal('draining') }),
]);

/** GET /v1/actions: the allowlist, each type with its params' JSON Schema. */
export const actionCatalog = z.object({
  data: z.array(
    z.object({
      type: z.enum(ACTION_TYPES),
      description: z.string(),
      chainable_output: z.array(z.string()),
      undo: z.string(),
      undoable: z.boolean(),
      params_schema: jsonObject.meta({ description: "The JSON Schema of the type's params." }),
    }),
  ),
  step_forms: jsonObject,
  step_fields: jsonObject,
});

/** GET /v1/tools: OpenAI function-tool definitions. */
export const toolList = z.object({
  tools: z.array(
    z.object({
      type: z.literal('function'),
      function: z.object({ name: z.string(), description: z.string(), parameters: jsonObject }),
    }),
  ),
});
