import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T = unknown> = ColumnType<T, string, string>;

/** The Postgres schema, as the migrations build it. */
export interface Database {
  tenants: TenantsTable;
  action_plans: ActionPlansTable;
  plan_events: PlanEventsTable;
  calendar_events: CalendarEventsTable;
  calendar_changes: CalendarChangesTable;
  outbox: OutboxTable;
  reminders: RemindersTable;
  decisions: DecisionsTable;
  webhook_secrets: WebhookSecretsTable;
  inbound_secrets: InboundSecretsTable;
  api_keys: ApiKeysTable;
  contacts: ContactsTable;
  action_ledger: ActionLedgerTable;
  api_request_counts: ApiRequestCountsTable;
  connections: ConnectionsTable;
  oauth_state_uses: OauthStateUsesTable;
  google_calendar_changes: GoogleCalendarChangesTable;
  calendar_selections: CalendarSelectionsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  conversations: ConversationsTable;
  conversation_turns: ConversationTurnsTable;
  schedules: SchedulesTable;
  schedule_runs: ScheduleRunsTable;
}

export interface TenantsTable {
  id: string;
  name: string;
  timezone: Generated<string>;
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: CreatedAt;
}

export interface ActionPlansTable {
  id: string;
  tenant_id: string;
  workflow_id: string;
  conversation_id: string | null;
  user_id: string | null;
  source: Generated<string>;
  intent: string;
  context: Json<Record<string, unknown> | null> | null;
  timezone: string;
  actions: Json<unknown[]>;
  on_failure: string;
  status: string;
  current_step: number | null;
  step_results: Json<unknown[]>;
  error: Json<unknown> | null;
  idempotency_key: string | null;
  /** sha256 of the canonical request body the Idempotency-Key was first used with. */
  request_hash: string | null;
  /** The workflow's input, so a reconciler can start a `submitting` plan after a crash. */
  workflow_input: Json | null;
  approvals: Json<unknown[]> | null;
  compensation: Json<unknown[]> | null;
  /** Who submitted the plan: `key` or `jwt`; null on plans from before users existed. */
  submitted_by_kind: 'key' | 'jwt' | null;
  /** The submitting key's id, for a key. */
  submitted_by_key: string | null;
  /** The submitting user: a JWT's `sub`, or the key's user. */
  submitted_by_user: string | null;
  /** Which run of the plan this is: 1, then one more for each retry. */
  attempt: Generated<number>;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface PlanEventsTable {
  id: Generated<string>;
  tenant_id: string;
  plan_id: string;
  step_index: number | null;
  kind: string;
  event_key: string;
  detail: Json | null;
  /** The run of the plan that wrote it (see action_plans.attempt). */
  attempt: Generated<number>;
  created_at: CreatedAt;
}

export interface CalendarEventsTable {
  id: string;
  tenant_id: string;
  calendar_id: Generated<string>;
  title: string;
  description: string | null;
  location: string | null;
  start_at: Timestamp;
  end_at: Timestamp;
  attendees: string[];
  status: string;
  join_link: string;
  idempotency_key: string;
  plan_id: string | null;
  step_index: number | null;
  cancel_reason: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface CalendarChangesTable {
  id: string;
  tenant_id: string;
  event_id: string;
  kind: string;
  previous: Json<Record<string, unknown>>;
  idempotency_key: string;
  created_at: CreatedAt;
}

export interface OutboxTable {
  id: string;
  tenant_id: string;
  channel: string;
  recipients: string[];
  subject: string | null;
  body: string | null;
  payload: Json | null;
  status: string;
  idempotency_key: string;
  plan_id: string | null;
  step_index: number | null;
  created_at: CreatedAt;
  /** Which sender took the message: `outbox` (the built-in one) or a provider's name. */
  provider: Generated<string>;
  /** The vendor's id for the message (SendGrid's X-Message-Id), once it took it. */
  vendor_message_id: string | null;
  /** The vendor's last word on the delivery (a bounce's reason, a deferral), bounded. */
  status_detail: string | null;
  status_updated_at: Date | null;
}

export interface RemindersTable {
  id: string;
  tenant_id: string;
  plan_id: string | null;
  step_index: number | null;
  meeting_id: string | null;
  offset_ms: ColumnType<string | null, number | null, number | null>;
  fire_at: Timestamp;
  status: string;
  channel: string;
  recipients: string[];
  message: string;
  /** The zone an offset's whole days are counted in when the meeting moves. */
  timezone: string | null;
  workflow_id: string;
  idempotency_key: string;
  fired_at: Timestamp | null;
  outbox_id: string | null;
  /** The idempotency key of the change that cancelled it with its meeting, so undoing that change can reinstate it. */
  cancelled_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface DecisionsTable {
  id: string;
  tenant_id: string;
  source: string;
  text: string;
  planner: string | null;
  model: string | null;
  prompt: Json | null;
  response: Json | null;
  usage: Json | null;
  confidence: number | null;
  reasoning: string | null;
  warnings: Json<string[]> | null;
  actions: Json<unknown[]> | null;
  outcome: string;
  reason: string | null;
  plan_id: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  /** The confidence the gate used: the planner's, lowered by the checks for untrusted text. */
  effective_confidence: number | null;
  /** The first answer (HTTP status and body), replayed for a repeated Idempotency-Key. */
  answer: Json | null;
  created_at: CreatedAt;
}

/** A tenant's key for signing its outgoing webhooks; the previous one still signs for a while after a rotation. */
/** The secret a tenant's inbound triggers are signed with (POST /v1/inbound/:source). */
export interface InboundSecretsTable {
  tenant_id: string;
  secret: string;
  previous_secret: string | null;
  rotated_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface WebhookSecretsTable {
  tenant_id: string;
  secret: string;
  previous_secret: string | null;
  rotated_at: Timestamp | null;
  created_at: CreatedAt;
}

/** Where a tenant wants its plans' events POSTed, and which events. */
export interface WebhookSubscriptionsTable {
  id: string;
  tenant_id: string;
  url: string;
  events: string[];
  /** Its own Standard Webhooks secret (`whsec_…`), so one receiver cannot forge another's deliveries. */
  secret: string;
  description: string | null;
  paused_at: Timestamp | null;
  created_by: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** One event for one subscription, written by the plan_events trigger. */
export interface WebhookDeliveriesTable {
  id: Generated<string>;
  tenant_id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  state: string;
  round: Generated<number>;
  attempts: Generated<number>;
  last_error: string | null;
  delivered_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** One POST of a delivery and how the receiver answered. */
export interface WebhookAttemptsTable {
  delivery_id: string;
  attempt: number;
  status: number | null;
  error: string | null;
  response_excerpt: string | null;
  duration_ms: number;
  attempted_at: CreatedAt;
}

/** One user's conversation with the assistant; its context lives in its workflow. */
export interface ConversationsTable {
  id: string;
  tenant_id: string;
  /** Whose it is: the user, or the key when the key has no user. */
  owner_user: string | null;
  owner_key: string | null;
  title: string | null;
  workflow_id: string;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** One turn: the user's message, the assistant's answer, or an event such as a reminder firing. */
export interface ConversationTurnsTable {
  id: Generated<string>;
  tenant_id: string;
  conversation_id: string;
  /** Unique in the conversation, so a retried write records the turn once. */
  turn_key: string;
  role: string;
  kind: string;
  text: string;
  data: Json | null;
  created_at: CreatedAt;
}

/** A tenant's API key: only its HMAC is kept; the key is shown once, when it is made. */
export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  role: 'viewer' | 'submitter' | 'approver' | 'admin';
  name: string | null;
  /** The user the key acts for, if any. */
  user_id: string | null;
  hash: string;
  created_at: CreatedAt;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

/** One plan step counted against its tenant's action rates: reserved at submission, or run. */
export interface ActionLedgerTable {
  workflow_id: string;
  step_index: number;
  tenant_id: string;
  at: Timestamp;
  ran: Generated<boolean>;
}

/** Requests one key made in one minute, across every API process. */
export interface ApiRequestCountsTable {
  key: string;
  window_start: Timestamp;
  requests: number;
}

export type ApiKeyRow = Selectable<ApiKeysTable>;
export type PlanRow = Selectable<ActionPlansTable>;
export type DecisionRow = Selectable<DecisionsTable>;
export type NewPlanRow = Insertable<ActionPlansTable>;
export type CalendarEventRow = Selectable<CalendarEventsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type ReminderRow = Selectable<RemindersTable>;
export type TenantRow = Selectable<TenantsTable>;

export interface ConnectionsTable {
  tenant_id: string;
  provider: string;
  /** The id of the key in ERRAND_ENCRYPTION_KEYS that sealed `secret`. */
  secret_kid: string;
  /** iv | ciphertext | tag, with the tenant and provider as associated data. */
  secret: Buffer;
  /** What is not secret: a base URL, a sender address, a webhook's public key. */
  config: ColumnType<Record<string, unknown>, string, string>;
  status: string;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type ConnectionRow = Selectable<ConnectionsTable>;

export interface ContactsTable {
  id: string;
  tenant_id: string;
  name: string;
  emails: string[];
  phones: string[];
  aliases: string[];
  /** Set when the contact is one of the tenant's users: where plans' messages to that user go. */
  user_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The name and aliases, lowercased: what the trigram index searches. */
  search_text: string;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type ContactRow = Selectable<ContactsTable>;

export interface OauthStateUsesTable {
  nonce: string;
  tenant_id: string;
  expires_at: Timestamp;
  used_at: CreatedAt;
}

export interface GoogleCalendarChangesTable {
  tenant_id: string;
  idempotency_key: string;
  calendar_id: string;
  event_id: string;
  previous: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

/** A batch step's chosen meetings, written once per step key. */
export interface CalendarSelectionsTable {
  tenant_id: string;
  idempotency_key: string;
  meetings: Json<{ meeting_id: string; calendar: string }[]>;
  truncated: boolean;
  created_at: CreatedAt;
}

/** A recurring plan; a Temporal Schedule of the same id runs it. */
export interface SchedulesTable {
  id: string;
  tenant_id: string;
  /** The plan each run submits, as POST /v1/plans takes it; or null for an intent. */
  plan: Json<Record<string, unknown> | null> | null;
  /** The intent each run plans: `{text, context?, timezone?, user_id?, conversation_id?}`. */
  intent: Json<Record<string, unknown> | null> | null;
  schedule: string;
  timing: Json<Record<string, unknown>>;
  timezone: string;
  start_at: Timestamp | null;
  end_at: Timestamp | null;
  overlap: string;
  /** `creating` until its Temporal Schedule exists, then `active`. */
  status: string;
  created_by: Json<Record<string, unknown>>;
  idempotency_key: string | null;
  request_hash: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** What one scheduled run submitted: a plan, or why it made none. */
export interface ScheduleRunsTable {
  id: Generated<string>;
  tenant_id: string;
  schedule_id: string;
  /** The run's workflow id, unique per scheduled time. */
  run_key: string;
  plan_id: string | null;
  outcome: string;
  error: Json<unknown> | null;
  created_at: CreatedAt;
}

export type ScheduleRow = Selectable<SchedulesTable>;
export type ScheduleRunRow = Selectable<ScheduleRunsTable>;
