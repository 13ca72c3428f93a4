/**
 * Every event a webhook may subscribe to: the kinds plans write to their event
 * log, and `reminder_fired`. `*` subscribes to all, including kinds added later.
 */
export const WEBHOOK_EVENT_TYPES = [
  'plan_started',
  'step_started',
  'step_succeeded',
  'step_failed',
  'step_skipped',
  'step_waiting',
  'capacity_wait',
  'automation_waiting',
  'approval_requested',
  'approval_approved',
  'approval_rejected',
  'approval_expired',
  'plan_executed',
  'plan_retried',
  'plan_completed',
  'plan_failed',
  'plan_rejected',
  'plan_expired',
  'plan_cancelled',
  'step_compensated',
  'undo_failed',
  'reminder_fired',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const ALL_EVENTS = '*';

/** The channel the webhook fan-out (and a resume) notifies when deliveries are queued, with the tenant as payload. */
export const WEBHOOK_DELIVERIES_CHANNEL = 'errand_webhook_deliveries';

/** What a receiver gets: Standard Webhooks' `type`, `timestamp` and `data`, with the event's stable id. */
export interface WebhookEventBody {
  /** `evt_<n>`, the same in every attempt and the `webhook-id` header: receivers drop repeats by it. */
  id: string;
  type: string;
  /** When the event happened, not when this attempt was made. */
  timestamp: string;
  data: {
    tenant_id: string;
    plan_id: string;
    step: number | null;
    attempt: number;
    detail: unknown;
  };
}

export interface StoredEvent {
  id: string;
  tenant_id: string;
  plan_id: string;
  step_index: number | null;
  kind: string;
  attempt: number;
  detail: unknown;
  created_at: Date;
}

/** The id receivers de-duplicate by: one per event, whichever subscription it goes to. */
export const webhookEventId = (eventId: string) => `evt_${eventId}`;

export function webhookEventBody(event: StoredEvent): WebhookEventBody {
  return {
    id: webhookEventId(event.id),
    type: event.kind,
    timestamp: event.created_at.toISOString(),
    data: {
      tenant_id: event.tenant_id,
      plan_id: event.plan_id,
      step: event.step_index,
      attempt: event.attempt,
      detail: event.detail ?? null,
    },
  };
}
