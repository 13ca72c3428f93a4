import { z } from 'zod';
import { TENANT_HEADER } from '../../inbound/verify-inbound';
import { planEnvelope } from '../../plan/plan-schema';
import { scheduleBody } from '../../schedules/schedule-request';
import { body as codecBody } from '../codec-routes';
import { contactBody, listQuery as contactsQuery } from '../contacts-routes';
import { providerParam, sendgridBody, twilioBody } from '../connections-routes';
import { changeBody, cancelBody, eventsQuery } from '../calendar-routes';
import { messageBody, openBody } from '../conversations-routes';
import { authorizeQuery, callbackQuery } from '../google-oauth-routes';
import { key as idempotencyKey } from '../idempotency-key';
import { inboundBody } from '../inbound-routes';
import { decisionsQuery, intentBody } from '../intents-routes';
import { createBody as keyBody } from '../key-routes';
import { deliveryBody, outboxQuery } from '../outbox-routes';
import { approveBody, rejectBody } from '../plan-control-routes';
import { retryBody } from '../plan-runs-routes';
import { listQuery as plansQuery } from '../plans-routes';
import { remindersQuery } from '../reminders-routes';
import { listQuery as schedulesQuery } from '../schedules-routes';
import { settingsBody } from '../settings-routes';
import { createBody as tenantBody } from '../tenant-routes';
import { report as automationReport } from '../automation-callback-routes';
import { deliveriesQuery, listQuery as webhooksQuery, subscriptionBody } from '../webhooks-routes';
import * as plans from './plan-schemas';
import * as records from './record-schemas';

/** Who may call a route: a tenant's credential, the operator key, or nobody's (signed, or public). */
export type Caller = 'tenant' | 'operator' | 'tenant-or-operator' | 'metrics' | 'public';

/** One response a route gives: its status, body and content type (default application/json). */
export interface RouteResponse {
  status: number;
  description: string;
  schema?: z.ZodType;
  type?: string;
  /** Other content types the same status may answer with (by the request's Accept). */
  also?: Record<string, z.ZodType>;
}

/** One route of the API, described from the zod schemas its handler parses with. */
export interface RouteSpec {
  summary: string;
  tag: string;
  caller: Caller;
  /** Path parameters; every `:name` the route has that is not listed is a plain string. */
  path?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  /** The request body, by content type; `required: false` when the route takes none too. */
  body?: { content: Record<string, z.ZodType>; required?: boolean };
  responses: RouteResponse[];
}

const json = 'application/json';
const sse = 'text/event-stream';

const idempotent = z.object({
  'idempotency-key': idempotencyKey.meta({
    description: 'Makes the request safe to retry: a repeat answers what the first one did.',
  }),
});
const lastEventId = z.object({
  'last-event-id': z
    .string()
    .optional()
    .meta({ description: 'Resume after this event id (or the `last_event_id` query parameter).' }),
});
const streamQuery = z.object({ last_event_id: z.string().optional() });

const planRequest = planEnvelope.meta({
  id: 'PlanRequest',
  description:
    'A plan; each action is a step of an allowlisted type (GET /v1/actions), its params nested in `params` or beside `type`.',
});

const jsonBody = (schema: z.ZodType, required = true) => ({
  content: { [json]: schema },
  required,
});
const ok = (schema: z.ZodType, description = 'OK', status = 200): RouteResponse => ({
  status,
  description,
  schema,
});
const noContent: RouteResponse = { status: 204, description: 'Deleted; no body.' };
const eventStream = (description: string): RouteResponse => ({
  status: 200,
  description,
  schema: z.string().meta({ description: 'Server-Sent Events.' }),
  type: sse,
});

/**
 * Every route the API serves, keyed like PERMISSIONS ("METHOD /path/:param"),
 * with the request schemas the routes themselves parse with (imported, never
 * copied) and the response schemas of what they answer.
 */
export const ROUTES: Readonly<Record<string, RouteSpec>> = {
  // Health and the public catalog.
  'GET /healthz': {
    summary: 'Alive: the process serves HTTP',
    tag: 'health',
    caller: 'public',
    responses: [ok(records.health)],
  },
  'GET /readyz': {
    summary: 'Ready: Postgres and Temporal answer',
    tag: 'health',
    caller: 'public',
    responses: [
      ok(records.readiness, 'Ready'),
      ok(records.readiness, 'Degraded (a dependency is down) or draining', 503),
    ],
  },
  'GET /metrics': {
    summary: 'Prometheus metrics',
    tag: 'health',
    caller: 'metrics',
    responses: [
      {
        status: 200,
        description: 'The Prometheus text exposition format',
        schema: z.string(),
        type: 'text/plain',
      },
    ],
  },
  'GET /openapi.json': {
    summary: 'This document: the OpenAPI 3.1 contract of the API',
    tag: 'catalog',
    caller: 'public',
    responses: [ok(z.record(z.string(), z.unknown()))],
  },
  'GET /docs': {
    summary: 'Interactive documentation of this contract (Swagger UI)',
    tag: 'catalog',
    caller: 'public',
    responses: [
      { status: 200, description: 'An HTML page', schema: z.string(), type: 'text/html' },
    ],
  },
  'GET /': {
    summary: 'The approvals and history page',
    tag: 'catalog',
    caller: 'public',
    responses: [
      { status: 200, description: 'An HTML page', schema: z.string(), type: 'text/html' },
    ],
  },
  'GET /index.html': {
    summary: 'The approvals and history page (as at /)',
    tag: 'catalog',
    caller: 'public',
    responses: [
      { status: 200, description: 'An HTML page', schema: z.string(), type: 'text/html' },
    ],
  },
  'GET /ui/:file': {
    summary: "The page's script and styles",
    tag: 'catalog',
    caller: 'public',
    path: z.object({ file: z.enum(['app.js', 'app.css']) }),
    responses: [
      { status: 200, description: 'The script', schema: z.string(), type: 'text/javascript' },
    ],
  },
  'GET /v1/actions': {
    summary: 'The action allowlist, each type with its params’ JSON Schema',
    tag: 'catalog',
    caller: 'public',
    responses: [ok(records.actionCatalog)],
  },
  'GET /v1/tools': {
    summary: 'OpenAI function-tool definitions for calling Errand',
    tag: 'catalog',
    caller: 'tenant',
    responses: [ok(records.toolList)],
  },

  // Plans.
  'POST /v1/plans': {
    summary: 'Submit an action plan',
    tag: 'plans',
    caller: 'tenant',
    headers: idempotent,
    body: jsonBody(planRequest),
    responses: [
      ok(plans.planSubmitted, 'Created and started', 201),
      ok(plans.planSubmitted, 'Saved; its workflow is being started', 202),
      ok(plans.planSubmitted, 'A repeat of an earlier request with the same Idempotency-Key'),
    ],
  },
  'POST /v1/plans/validate': {
    summary: 'Check a plan without saving or running it',
    tag: 'plans',
    caller: 'tenant',
    body: jsonBody(planRequest),
    responses: [ok(plans.planValidated)],
  },
  'GET /v1/plans': {
    summary: 'List plans, newest first',
    tag: 'plans',
    caller: 'tenant',
    query: plansQuery,
    responses: [ok(plans.planPage)],
  },
  'GET /v1/plans/:id': {
    summary: 'A plan: status, every step, the event log',
    tag: 'plans',
    caller: 'tenant',
    responses: [ok(plans.planDetail)],
  },
  'GET /v1/plans/:id/stream': {
    summary: "A plan's events as Server-Sent Events",
    tag: 'plans',
    caller: 'tenant',
    query: streamQuery,
    headers: lastEventId,
    responses: [eventStream('`state`, then each event of the plan until it ends')],
  },
  'POST /v1/plans/:id/cancel': {
    summary: 'Cancel a plan',
    tag: 'plans',
    caller: 'tenant',
    responses: [
      ok(plans.planCancelled, 'A draft, cancelled'),
      ok(plans.planCancelled, 'Cancelling', 202),
    ],
  },
  'POST /v1/plans/:id/approve': {
    summary: 'Approve the decision a plan waits for',
    tag: 'plans',
    caller: 'tenant',
    body: jsonBody(approveBody, false),
    responses: [ok(plans.planDecided)],
  },
  'POST /v1/plans/:id/reject': {
    summary: 'Reject the decision a plan waits for',
    tag: 'plans',
    caller: 'tenant',
    body: jsonBody(rejectBody),
    responses: [ok(plans.planDecided)],
  },
  'POST /v1/plans/:id/execute': {
    summary: 'Run a draft plan',
    tag: 'plans',
    caller: 'tenant',
    responses: [ok(plans.planRun), ok(plans.planRun, 'Saved; its workflow is being started', 202)],
  },
  'POST /v1/plans/:id/retry': {
    summary: 'Run an ended plan again, from a step',
    tag: 'plans',
    caller: 'tenant',
    body: jsonBody(retryBody, false),
    responses: [ok(plans.planRun), ok(plans.planRun, 'Saved; its workflow is being started', 202)],
  },

  // Intents and the decision log.
  'POST /v1/intents': {
    summary: 'Plan a sentence, and run the plan unless it is a dry run',
    tag: 'intents',
    caller: 'tenant',
    headers: idempotent,
    body: jsonBody(intentBody),
    responses: [
      ok(plans.intentAnswer, 'Planned and submitted', 201),
      ok(plans.intentAnswer, 'Planned and saved; its workflow is being started', 202),
      ok(plans.intentAnswer, 'A dry run, or a repeat of an earlier request'),
    ],
  },
  'POST /v1/inbound/:source': {
    summary: "An intent from a third party, signed with the tenant's inbound secret",
    tag: 'intents',
    caller: 'public',
    path: z.object({
      source: z.string().meta({ description: 'The sender system; `email` takes an email.' }),
    }),
    headers: z.object({
      [TENANT_HEADER]: z.string().meta({ description: 'The tenant the message is for.' }),
      'webhook-id': z.string(),
      'webhook-timestamp': z.string(),
      'webhook-signature': z.string(),
    }),
    body: {
      content: {
        [json]: inboundBody,
        'message/rfc822': z.string().meta({ description: 'For source `email`: the raw email.' }),
        'multipart/form-data': z
          .object({})
          .meta({ description: "For source `email`: an inbound-parse relay's form." }),
      },
    },
    responses: [
      ok(plans.intentAnswer, 'Planned and submitted', 201),
      ok(plans.intentAnswer, 'Planned and saved; its workflow is being started', 202),
      ok(plans.intentAnswer, 'A repeat of an earlier message (the same webhook-id)'),
    ],
  },
  'GET /v1/decisions': {
    summary: "The planner's decisions, newest first",
    tag: 'intents',
    caller: 'tenant',
    query: decisionsQuery,
    responses: [ok(plans.decisionPage)],
  },
  'GET /v1/analytics': {
    summary: 'Counts and rates over the decision log',
    tag: 'intents',
    caller: 'tenant',
    responses: [ok(plans.analytics)],
  },

  // Conversations.
  'POST /v1/conversations': {
    summary: 'Open a conversation with the assistant',
    tag: 'conversations',
    caller: 'tenant',
    body: jsonBody(openBody, false),
    responses: [ok(plans.conversation, 'Opened', 201)],
  },
  'GET /v1/conversations': {
    summary: "The caller's conversations",
    tag: 'conversations',
    caller: 'tenant',
    responses: [ok(plans.conversationList)],
  },
  'GET /v1/conversations/:id': {
    summary: 'A conversation and its latest turns',
    tag: 'conversations',
    caller: 'tenant',
    responses: [ok(plans.conversationDetail)],
  },
  'POST /v1/conversations/:id/messages': {
    summary: 'Post a message; the answer is a plan or a question',
    tag: 'conversations',
    caller: 'tenant',
    headers: idempotent,
    body: jsonBody(messageBody),
    responses: [
      {
        status: 200,
        description:
          "The assistant's turn; with `Accept: text/event-stream`, `message`, the model's `token` events when an LLM plans it, the turn, and its plan's progress as Server-Sent Events",
        schema: plans.messageAnswered,
        also: { [sse]: z.string().meta({ description: 'Server-Sent Events.' }) },
      },
    ],
  },
  'GET /v1/conversations/:id/stream': {
    summary: "A conversation's turns as Server-Sent Events",
    tag: 'conversations',
    caller: 'tenant',
    query: streamQuery,
    headers: lastEventId,
    responses: [eventStream('Each turn, reminders that fire for the user included')],
  },

  // Schedules.
  'POST /v1/schedules': {
    summary: 'Create a recurring plan or intent',
    tag: 'schedules',
    caller: 'tenant',
    headers: idempotent,
    body: jsonBody(scheduleBody),
    responses: [
      ok(plans.scheduleCreated, 'Created', 201),
      ok(plans.scheduleCreated, 'A repeat of an earlier request'),
    ],
  },
  'GET /v1/schedules': {
    summary: 'List schedules',
    tag: 'schedules',
    caller: 'tenant',
    query: schedulesQuery,
    responses: [ok(plans.schedulePage)],
  },
  'GET /v1/schedules/:id': {
    summary: 'A schedule, its next runs and its latest runs',
    tag: 'schedules',
    caller: 'tenant',
    responses: [ok(plans.scheduleDetail)],
  },
  'POST /v1/schedules/:id/pause': {
    summary: 'Pause a schedule',
    tag: 'schedules',
    caller: 'tenant',
    responses: [ok(plans.scheduleStatus)],
  },
  'POST /v1/schedules/:id/resume': {
    summary: 'Resume a schedule',
    tag: 'schedules',
    caller: 'tenant',
    responses: [ok(plans.scheduleStatus)],
  },
  'POST /v1/schedules/:id/trigger': {
    summary: 'Run a schedule now',
    tag: 'schedules',
    caller: 'tenant',
    responses: [ok(plans.scheduleTriggered, 'Triggered', 202)],
  },
  'DELETE /v1/schedules/:id': {
    summary: 'Delete a schedule (its plans stay)',
    tag: 'schedules',
    caller: 'tenant',
    responses: [noContent],
  },

  // Calendar, outbox, reminders.
  'GET /v1/calendar/events': {
    summary: "The tenant's meetings, by start time",
    tag: 'records',
    caller: 'tenant',
    query: eventsQuery,
    responses: [ok(records.meetingPage)],
  },
  'PATCH /v1/calendar/events/:id': {
    summary: 'Move, lengthen or rename a meeting (its reminders follow)',
    tag: 'records',
    caller: 'tenant',
    headers: idempotent,
    body: jsonBody(changeBody),
    responses: [ok(records.meeting)],
  },
  'DELETE /v1/calendar/events/:id': {
    summary: 'Cancel a meeting (its reminders too)',
    tag: 'records',
    caller: 'tenant',
    headers: idempotent,
    body: jsonBody(cancelBody, false),
    responses: [ok(records.meeting)],
  },
  'GET /v1/outbox': {
    summary: 'Every message sent, newest first',
    tag: 'records',
    caller: 'tenant',
    query: outboxQuery,
    responses: [ok(records.outboxPage)],
  },
  'GET /v1/outbox/:id': {
    summary: 'One message',
    tag: 'records',
    caller: 'tenant',
    responses: [ok(records.outboxMessage)],
  },
  'POST /v1/outbox/:id/delivery': {
    summary: "A relay's report on a built-in outbox message",
    tag: 'records',
    caller: 'tenant',
    body: jsonBody(deliveryBody),
    responses: [ok(records.outboxMessage)],
  },
  'GET /v1/reminders': {
    summary: 'Reminders, soonest first',
    tag: 'records',
    caller: 'tenant',
    query: remindersQuery,
    responses: [ok(records.reminderPage)],
  },
  'GET /v1/reminders/:id': {
    summary: 'One reminder',
    tag: 'records',
    caller: 'tenant',
    responses: [ok(records.reminder)],
  },
  'DELETE /v1/reminders/:id': {
    summary: 'Cancel a pending reminder',
    tag: 'records',
    caller: 'tenant',
    responses: [ok(records.reminder, 'Cancelled')],
  },

  // Contacts.
  'GET /v1/contacts': {
    summary: 'List contacts, or find them by `q`',
    tag: 'contacts',
    caller: 'tenant',
    query: contactsQuery,
    responses: [ok(records.contactPage)],
  },
  'POST /v1/contacts': {
    summary: 'Add a contact',
    tag: 'contacts',
    caller: 'tenant',
    body: jsonBody(contactBody),
    responses: [ok(records.contact, 'Created', 201)],
  },
  'GET /v1/contacts/:id': {
    summary: 'One contact',
    tag: 'contacts',
    caller: 'tenant',
    responses: [ok(records.contact)],
  },
  'PUT /v1/contacts/:id': {
    summary: 'Replace a contact',
    tag: 'contacts',
    caller: 'tenant',
    body: jsonBody(contactBody),
    responses: [ok(records.contact)],
  },
  'DELETE /v1/contacts/:id': {
    summary: 'Delete a contact',
    tag: 'contacts',
    caller: 'tenant',
    responses: [noContent],
  },
  'POST /v1/contacts/import': {
    summary: 'Import contacts from CSV (name,emails,phones,aliases), all rows or none',
    tag: 'contacts',
    caller: 'tenant',
    body: { content: { 'text/csv': z.string() } },
    responses: [ok(records.contactsImported)],
  },

  // Settings and secrets.
  'GET /v1/settings': {
    summary: "The tenant's settings",
    tag: 'settings',
    caller: 'tenant',
    responses: [ok(records.settings)],
  },
  'PUT /v1/settings': {
    summary: "Replace the tenant's settings (omitted fields take their defaults)",
    tag: 'settings',
    caller: 'tenant',
    body: jsonBody(settingsBody),
    responses: [ok(records.settings)],
  },
  'GET /v1/settings/webhook-secret': {
    summary: "The secret the tenant's automation webhooks are signed with",
    tag: 'settings',
    caller: 'tenant',
    responses: [ok(records.signingSecret)],
  },
  'POST /v1/settings/webhook-secret/rotate': {
    summary: 'Replace the webhook secret (the old one signs for 24 hours more)',
    tag: 'settings',
    caller: 'tenant',
    responses: [ok(records.signingSecret)],
  },
  'GET /v1/settings/inbound-secret': {
    summary: 'The secret inbound intents are signed with',
    tag: 'settings',
    caller: 'tenant',
    responses: [ok(records.signingSecret)],
  },
  'POST /v1/settings/inbound-secret/rotate': {
    summary: 'Replace the inbound secret (the old one is accepted for 24 hours more)',
    tag: 'settings',
    caller: 'tenant',
    responses: [ok(records.signingSecret)],
  },

  // Tenants and keys.
  'POST /v1/tenants': {
    summary: 'Create a tenant and its first admin key (operator key only)',
    tag: 'tenants',
    caller: 'operator',
    body: jsonBody(tenantBody),
    responses: [ok(records.tenantCreated, 'Created', 201)],
  },
  'POST /v1/keys': {
    summary: 'Make an API key (shown once)',
    tag: 'tenants',
    caller: 'tenant-or-operator',
    body: jsonBody(keyBody),
    responses: [ok(records.apiKeyCreated, 'Created', 201)],
  },
  'GET /v1/keys': {
    summary: "The tenant's API keys (never their secret)",
    tag: 'tenants',
    caller: 'tenant',
    responses: [ok(records.apiKeyList)],
  },
  'DELETE /v1/keys/:id': {
    summary: 'Revoke an API key',
    tag: 'tenants',
    caller: 'tenant',
    responses: [ok(records.apiKey, 'Revoked')],
  },

  // Event webhooks.
  'POST /v1/webhooks': {
    summary: 'Subscribe a URL to plan events',
    tag: 'webhooks',
    caller: 'tenant',
    body: jsonBody(subscriptionBody),
    responses: [ok(records.webhookSubscription, 'Created, with its secret', 201)],
  },
  'GET /v1/webhooks': {
    summary: 'List webhook subscriptions',
    tag: 'webhooks',
    caller: 'tenant',
    query: webhooksQuery,
    responses: [ok(records.webhookSubscriptionPage)],
  },
  'GET /v1/webhooks/:id': {
    summary: 'One webhook subscription, with its secret',
    tag: 'webhooks',
    caller: 'tenant',
    responses: [ok(records.webhookSubscription)],
  },
  'POST /v1/webhooks/:id/pause': {
    summary: 'Pause a webhook subscription',
    tag: 'webhooks',
    caller: 'tenant',
    responses: [ok(records.webhookSubscription)],
  },
  'POST /v1/webhooks/:id/resume': {
    summary: 'Resume a webhook subscription',
    tag: 'webhooks',
    caller: 'tenant',
    responses: [ok(records.webhookSubscription)],
  },
  'DELETE /v1/webhooks/:id': {
    summary: 'Delete a webhook subscription',
    tag: 'webhooks',
    caller: 'tenant',
    responses: [noContent],
  },
  'GET /v1/webhooks/:id/deliveries': {
    summary: "A subscription's deliveries and their attempts",
    tag: 'webhooks',
    caller: 'tenant',
    query: deliveriesQuery,
    responses: [ok(records.webhookDeliveryPage)],
  },

  // Connections to providers.
  'GET /v1/connections': {
    summary: "The tenant's provider connections (never their secrets)",
    tag: 'connections',
    caller: 'tenant',
    responses: [ok(records.connectionList)],
  },
  'PUT /v1/connections/sendgrid': {
    summary: 'Connect SendGrid',
    tag: 'connections',
    caller: 'tenant',
    body: jsonBody(sendgridBody(false)),
    responses: [ok(records.connection)],
  },
  'PUT /v1/connections/twilio': {
    summary: 'Connect Twilio',
    tag: 'connections',
    caller: 'tenant',
    body: jsonBody(twilioBody(false)),
    responses: [ok(records.connection)],
  },
  'DELETE /v1/connections/:provider': {
    summary: 'Disconnect a provider',
    tag: 'connections',
    caller: 'tenant',
    path: z.object({ provider: providerParam }),
    responses: [ok(records.connectionDeleted)],
  },
  'GET /v1/connections/google/authorize': {
    summary: "Google's consent URL for some services",
    tag: 'connections',
    caller: 'tenant',
    query: authorizeQuery,
    responses: [ok(records.googleConsent)],
  },
  'GET /v1/connections/google/callback': {
    summary: "Google's OAuth redirect, authenticated by the state Errand signed",
    tag: 'connections',
    caller: 'public',
    query: callbackQuery,
    responses: [ok(records.googleConnected)],
  },

  // Vendors' callbacks.
  'POST /v1/webhooks/sendgrid/:tenant': {
    summary: "SendGrid's Event Webhook, signed (ECDSA) with the tenant's connection key",
    tag: 'callbacks',
    caller: 'public',
    headers: z.object({
      'x-twilio-email-event-webhook-signature': z.string(),
      'x-twilio-email-event-webhook-timestamp': z.string(),
    }),
    body: { content: { [json]: z.array(z.record(z.string(), z.unknown())) } },
    responses: [ok(records.sendgridReceived)],
  },
  'POST /v1/webhooks/twilio/:tenant': {
    summary: "Twilio's status callback, signed with the tenant's auth token",
    tag: 'callbacks',
    caller: 'public',
    query: z.object({ key: z.string().meta({ description: "The message's outbox key." }) }),
    headers: z.object({ 'x-twilio-signature': z.string() }),
    body: {
      content: { 'application/x-www-form-urlencoded': z.record(z.string(), z.string()) },
    },
    responses: [ok(records.twilioReceived)],
  },
  'POST /v1/automations/callbacks/:token': {
    summary: 'Where an awaited automation reports back; the signed URL is the credential',
    tag: 'callbacks',
    caller: 'public',
    body: jsonBody(automationReport, false),
    responses: [ok(records.automationReported)],
  },

  // The Temporal remote codec.
  'POST /codec/encode': {
    summary: "Temporal's remote codec: encrypt payloads (operator key only)",
    tag: 'codec',
    caller: 'operator',
    headers: z.object({ 'x-namespace': z.string().optional() }),
    body: jsonBody(codecBody),
    responses: [ok(records.codecPayloads)],
  },
  'POST /codec/decode': {
    summary: "Temporal's remote codec: decrypt payloads (operator key only)",
    tag: 'codec',
    caller: 'operator',
    headers: z.object({ 'x-namespace': z.string().optional() }),
    body: jsonBody(codecBody),
    responses: [ok(records.codecPayloads)],
  },
};
