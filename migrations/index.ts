import type { Migration } from 'kysely';
import * as core from './2026-11-22T00-00_core';
import * as durableControl from './2026-11-22T01-00_durable-control';
import * as decisions from './2026-11-22T02-00_decisions';
import * as webhookSecrets from './2026-12-02T10-00_webhook-secrets';
import * as reminderCancelledBy from './2026-12-02T11-00_reminder-cancelled-by';
import * as submission from './2026-12-02T12-00_submission';
import * as listIndexes from './2026-12-02T13-00_list-indexes';
import * as apiKeys from './2026-12-02T14-00_api-keys';
import * as limits from './2026-12-03T16-00_limits';
import * as users from './2026-12-04T10-00_users';
import * as connections from './2026-12-04T11-00_connections';
import * as contacts from './2026-12-05T09-00_contacts';
import * as planAttempts from './2026-12-05T12-00_plan-attempts';
import * as google from './2026-12-05T12-00_google';
import * as contactUsers from './2026-12-06T10-00_contact-users';
import * as calendarSelections from './2026-12-06T11-00_calendar-selections';
import * as planEventNotify from './2026-12-07T09-00_plan-event-notify';
import * as eventWebhooks from './2026-12-08T12-00_event-webhooks';
import * as conversations from './2026-12-08T16-00_conversations';
import * as schedules from './2026-12-08T14-00_schedules';
import * as inbound from './2026-12-09T10-00_inbound';

/** Every migration by name; names sort in the order they run. Add new ones here. */
export const migrations: Record<string, Migration> = {
  '2026-11-22T00-00_core': core,
  '2026-11-22T01-00_durable-control': durableControl,
  '2026-11-22T02-00_decisions': decisions,
  '2026-12-02T10-00_webhook-secrets': webhookSecrets,
  '2026-12-02T11-00_reminder-cancelled-by': reminderCancelledBy,
  '2026-12-02T12-00_submission': submission,
  '2026-12-02T13-00_list-indexes': listIndexes,
  '2026-12-02T14-00_api-keys': apiKeys,
  '2026-12-03T16-00_limits': limits,
  '2026-12-04T10-00_users': users,
  '2026-12-04T11-00_connections': connections,
  '2026-12-05T09-00_contacts': contacts,
  '2026-12-05T12-00_plan-attempts': planAttempts,
  '2026-12-05T12-00_google': google,
  '2026-12-06T10-00_contact-users': contactUsers,
  '2026-12-06T11-00_calendar-selections': calendarSelections,
  '2026-12-07T09-00_plan-event-notify': planEventNotify,
  '2026-12-08T12-00_event-webhooks': eventWebhooks,
  '2026-12-08T16-00_conversations': conversations,
  '2026-12-08T14-00_schedules': schedules,
  '2026-12-09T10-00_inbound': inbound,
};
