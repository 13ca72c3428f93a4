import type { DeliveryStatus } from './messages';

/** One `trigger_automation` step, as the runner sees it. */
export interface AutomationRequest {
  tenant_id: string;
  automation: string;
  payload: Record<string, unknown>;
  /** Running the same key twice runs once and answers the first run. */
  idempotency_key: string;
  plan_id: string;
  step_index: number;
  /** The earlier step's output this one chains on, if any. */
  chained: unknown;
  /** Set when the plan waits for the automation: where and until when it reports back. */
  callback?: AutomationCallback;
}

/** Sent to an awaited automation: POST its outcome to `url` before `deadline`. */
export interface AutomationCallback {
  url: string;
  /** The plan stops waiting then, and the step fails. */
  deadline: string;
  /** The URL is refused after this. */
  expires_at: string;
}

export interface AutomationRun {
  /** The outbox row that records the run. */
  message_id: string;
  status: DeliveryStatus;
  /** What the automation answered, when it answers at once. */
  response?: unknown;
}

/** Runs a tenant's named automations (an n8n-style workflow behind a webhook, say). */
export interface AutomationRunner {
  run(request: AutomationRequest): Promise<AutomationRun>;
}
