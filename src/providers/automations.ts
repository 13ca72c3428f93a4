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
