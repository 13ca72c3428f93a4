import type { Client } from '@temporalio/client';
import type { ConversationTurns } from '../conversations/conversation-turns';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { OutboundHttp } from '../net/outbound-http';
import type { AutomationRunner } from '../providers/automations';
import type { CalendarProvider } from '../providers/calendar-provider';
import type { MessageSender } from '../providers/messages';
import type { KeyRing } from '../crypto/key-ring';
import type { Resolver } from '../net/guarded-lookup';
import { createOutboxSender } from '../providers/outbox-sender';
import { createRoutingSender } from '../providers/routing-sender';
import { createSendgridSender } from '../providers/sendgrid-sender';
import { createTwilioSender } from '../providers/twilio-sender';
import { createOutboundHttp } from '../net/outbound-http';
import { createPostgresCalendar } from '../providers/postgres-calendar';
import { createWebhookAutomations } from '../providers/webhook-automations';
import { createGmailSender } from '../providers/gmail-sender';
import { createGoogleAuth, type GoogleAuth } from '../providers/google-auth';
import { createGoogleCalendar } from '../providers/google-calendar';
import type { GoogleConfig } from '../providers/google-config';
import { createRoutingCalendar } from '../providers/routing-calendar';
import type { ScheduledRuns } from '../schedules/scheduled-runs';

/** What activities need from the outside world; `createActivityDeps` builds it. */
export interface ActivityDeps {
  db: Kysely<Database>;
  /** To move and cancel reminder workflows when their meeting changes. */
  temporal: Client;
  calendar: CalendarProvider;
  /** Every email, SMS, call, campaign and reminder goes through it. */
  messages: MessageSender;
  automations: AutomationRunner;
  /** Every automation webhook goes through it: the network policy and the size and time caps. */
  outbound: OutboundHttp;
  now: () => Date;
  /** How late a reminder may still fire at once instead of being refused. */
  reminderGraceMs: number;
  /** Signs the URLs awaited automations report back to; absent without a key ring. */
  automationCallbacks?: AutomationCallbacks;
  /** Submits recurring plans' runs as the API submits plans; absent: scheduled runs fail, saying so. */
  scheduledRuns?: ScheduledRuns;
  /** Answers conversations' messages as the API answers intents; absent: messages fail, saying so. */
  conversations?: ConversationTurns;
}

/** Where awaited automations report back: the API's address, and the ring that signs each step's URL. */
export interface AutomationCallbacks {
  keyRing: KeyRing;
  /** ERRAND_PUBLIC_URL, else the API's own address. */
  base: string;
}

export interface ActivityDepsOptions {
  db: Kysely<Database>;
  temporal: Client;
  outbound: OutboundHttp;
  /** Where the built-in calendar's join links point. */
  meetingLinkBase: string;
  reminderGraceMs: number;
  now?: () => Date;
  /** ERRAND_ENCRYPTION_KEYS, which opens tenants' connections; without it only the built-in providers work. */
  keyRing?: KeyRing;
  /** How tenants' providers are called: the network policy (ERRAND_ALLOW_PRIVATE_NETWORK) and a time cap. */
  providers?: { allowPrivateNetwork: boolean; timeoutMs: number; resolve?: Resolver };
  /** ERRAND_GOOGLE_*: the deployment's Google OAuth client; with keyRing, tenants may choose Google. */
  google?: GoogleConfig;
  /** ERRAND_PUBLIC_URL: where vendors' status callbacks reach the API; unset, none are asked for. */
  publicUrl?: string;
  /** Where automations report back when there is no publicUrl: the API's own address. */
  apiUrl?: string;
  /** Another adapter in place of a built-in one (a test's, say). */
  calendar?: CalendarProvider;
  messages?: MessageSender;
  automations?: AutomationRunner;
  /** Recurring plans' submissions (see createScheduledRuns); the composition root builds it with the planner. */
  scheduledRuns?: ScheduledRuns;
  /** Conversations' turns (see createConversationTurns); the composition root builds it with the planner. */
  conversations?: ConversationTurns;
}

/**
 * The one place the activities' dependencies are put together, used by the
 * worker, the tests and the benches: the built-in providers (the Postgres
 * calendar, the Postgres outbox, webhook automations) unless others are given.
 */
export function createActivityDeps(options: ActivityDepsOptions): ActivityDeps {
  const { db, outbound } = options;
  const now = options.now ?? (() => new Date());
  const google = googleAuth(options, now);
  const messages = options.messages ?? routingSender(options, now, google);
  return {
    db,
    temporal: options.temporal,
    calendar: options.calendar ?? createCalendar({ ...options, now }),
    messages,
    automations: options.automations ?? createWebhookAutomations({ db, outbound, messages, now }),
    outbound,
    now,
    reminderGraceMs: options.reminderGraceMs,
    automationCallbacks: automationCallbacks(options),
    scheduledRuns: options.scheduledRuns,
    conversations: options.conversations,
  };
}

function automationCallbacks(options: ActivityDepsOptions): AutomationCallbacks | undefined {
  const base = options.publicUrl ?? options.apiUrl;
  return options.keyRing && base ? { keyRing: options.keyRing, base } : undefined;
}

/** Twilio answers a create with a resource of about 2 KB: more than this is not Twilio. */
const PROVIDER_ANSWER_BYTES = 65_536;

/** The outbox for every family, and each tenant's chosen provider where it chose one. */
function routingSender(
  options: ActivityDepsOptions,
  now: () => Date,
  google: GoogleAuth | undefined,
): MessageSender {
  const { db, keyRing } = options;
  const network = options.providers ?? { allowPrivateNetwork: false, timeoutMs: 10_000 };
  return createRoutingSender({
    db,
    outbox: createOutboxSender(db),
    sendgrid: keyRing && createSendgridSender({ db, keyRing, now, ...network }),
    twilio:
      keyRing &&
      createTwilioSender({
        db,
        keyRing,
        now,
        publicUrl: options.publicUrl,
        outbound: createOutboundHttp({ ...network, maxResponseBytes: PROVIDER_ANSWER_BYTES }),
      }),
    gmail: google && createGmailSender({ db, auth: google, google: options.google!, now }),
  });
}

function googleAuth(
  options: Pick<ActivityDepsOptions, 'db' | 'keyRing' | 'google'>,
  now: () => Date,
): GoogleAuth | undefined {
  const { db, keyRing, google } = options;
  return keyRing && google ? createGoogleAuth({ db, keyRing, google, now }) : undefined;
}

/**
 * The calendar every step and the calendar API use: the built-in one, and
 * Google Calendar for tenants that chose it when the deployment can reach Google.
 */
export function createCalendar(
  options: Pick<ActivityDepsOptions, 'db' | 'keyRing' | 'google' | 'meetingLinkBase'> & {
    now?: () => Date;
  },
): CalendarProvider {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const auth = googleAuth(options, now);
  return createRoutingCalendar({
    db,
    builtin: createPostgresCalendar({ db, meetingLinkBase: options.meetingLinkBase }),
    google: auth && createGoogleCalendar({ db, auth, google: options.google!, now }),
  });
}
