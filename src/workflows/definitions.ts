import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActionType } from '../plan/action-types';
import type { StepStatus } from '../plan/conditions';
import type { Plan } from '../plan/validate-plan';

export type { StepStatus };

/** Where a plan is in its life. */
export type PlanStatus =
  | 'pending'
  | 'awaiting_approval'
  | 'running'
  /** Its next step would break the tenant's action rate: a durable timer waits for room. */
  | 'waiting_for_capacity'
  /** A trigger_automation step with await_completion waits for the automation to report back. */
  | 'waiting_for_automation'
  /** The next step's `not_before` has not come: a durable timer waits for it. */
  | 'waiting_for_time'
  | 'completed'
  | 'failed'
  | 'rejected'
  | 'expired'
  | 'cancelled';

export const TERMINAL_PLAN_STATUSES: readonly PlanStatus[] = [
  'completed',
  'failed',
  'rejected',
  'expired',
  'cancelled',
];

/** What an approver sends. */
export interface DecisionInput {
  /** Who decides; the API fills it from the request. */
  by?: string;
  reason?: string;
}

export interface ApprovalDecision {
  outcome: 'approved' | 'rejected' | 'expired';
  by: string;
  at: string;
  reason: string | null;
}

/** One wait for a human decision: for the whole plan (step null) or before one step. */
export interface ApprovalRecord {
  step: number | null;
  reason: string;
  requested_at: string;
  deadline: string;
  decision: ApprovalDecision | null;
}

/** What compensation did to one done step. */
export interface CompensationRecord {
  step: number;
  type: ActionType;
  outcome: 'undone' | 'undo_failed' | 'not_undoable';
  error: StepError | null;
  at: string;
}

export interface StepError {
  type: string;
  message: string;
}

/** One step's state, as the query returns it and the audit trail stores it. */
export interface StepState {
  index: number;
  type: ActionType;
  status: StepStatus;
  output: Record<string, unknown> | null;
  error: StepError | null;
  skip_reason: string | null;
  started_at: string | null;
  completed_at: string | null;
  /** While the step waits (for its not_before, or for an automation to report back): until when. */
  waiting_until?: string | null;
}

/** Why a plan failed. */
export interface PlanError extends StepError {
  step: number | null;
  step_type: ActionType | null;
}

/** A plan's state: the workflow's query answer and the shape `action_plans` mirrors. */
export interface PlanState {
  plan_id: string;
  tenant_id: string;
  status: PlanStatus;
  current_step: number | null;
  steps: StepState[];
  /**
   * On failure: the first step that failed and why; or, when the audit trail
   * could not be written (type AuditWriteFailed), the transition it could not
   * record, with its step when it had one.
   */
  error: PlanError | null;
  started_at: string | null;
  completed_at: string | null;
  approvals: ApprovalRecord[];
  compensation: CompensationRecord[];
}

export interface PlanWorkflowInput {
  tenant_id: string;
  plan_id: string;
  /** Resolved at submission: the plan's own, else the tenant's. */
  timezone: string;
  plan: Plan;
  /** Set when the whole plan must be approved before anything runs, with why. */
  approval_reason?: string | null;
  /** How long any approval of this plan may wait. */
  approval_timeout_ms: number;
  /** Set on a retry (attempt 2 and later); absent on a plan's first run. */
  resume?: PlanResume;
  /**
   * Each step's `not_before` by step index, read at submission: an ISO time as an
   * instant (in `timezone`), an offset in milliseconds from the chained step's start.
   */
  not_before?: Record<number, NotBefore>;
  /** Where the plan came from (api, chat, email, webhook, schedule): its ErrandSource. */
  source?: string;
  /** The planner that made it from an intent (rules, openai): its ErrandPlanner. */
  planner?: string;
}

export type NotBefore = { at: string } | { offset_ms: number };

/**
 * What a retry of a plan carries over from the attempt before: every step's
 * idempotency key is `<key_base>#<step>`, the same in every attempt, so a step
 * done before is not done again; the steps before `from_step` are not run but
 * kept with their outputs, so later steps chain to them.
 */
export interface PlanResume {
  /** 2 for the first retry, and so on. */
  attempt: number;
  /** The workflow ID of the plan's first attempt. */
  key_base: string;
  from_step: number;
  /** The steps as the previous attempt ended them. */
  prior_steps: StepState[];
}

export interface ReminderWorkflowInput {
  tenant_id: string;
  reminder_id: string;
  /** ISO instant. */
  fire_at: string;
}

export type ReminderOutcome = 'fired' | 'cancelled';

/** What delivering a due reminder found: delivered (now or before), cancelled, or moved to a later time. */
export type ReminderDelivery =
  { outcome: ReminderOutcome } | { outcome: 'moved'; /** ISO instant. */ fire_at: string };

export const getPlanState = defineQuery<PlanState>('getPlanState');
/** Approves the pending decision; refused unless the plan is awaiting one. */
export const approvePlan = defineUpdate<ApprovalDecision, [DecisionInput]>('approve');
/** Rejects the pending decision; refused unless the plan is awaiting one. */
export const rejectPlan = defineUpdate<ApprovalDecision, [DecisionInput]>('reject');
/**
 * The same decisions as signals, for senders that cannot wait for an answer (the Web UI's
 * "Send a Signal", other systems). One the plan is not waiting for is recorded and ignored.
 */
export const approvePlanSignal = defineSignal<[DecisionInput]>('approve');
export const rejectPlanSignal = defineSignal<[DecisionInput]>('reject');
/** What an automation reports back about the step that started it (through its callback URL). */
export interface AutomationReport {
  step: number;
  status: 'succeeded' | 'failed';
  /** What the automation produced; later steps chain on it. */
  result?: Record<string, unknown>;
  /** Why it failed, in its words. */
  error?: string;
}

/** Completes an awaited trigger_automation step; refused unless that step is waiting for its report. */
export const completeAutomation = defineUpdate<
  { step: number; status: string },
  [AutomationReport]
>('completeAutomation');
export const getReminderFireAt = defineQuery<string>('getReminderFireAt');
/** Moves a pending reminder, e.g. when its meeting is rescheduled. */
export const rescheduleReminder = defineSignal<[{ fire_at: string }]>('rescheduleReminder');
export const cancelReminder = defineSignal('cancelReminder');

/** Workflow IDs carry the tenant, so one tenant's IDs can never collide with another's. */
export function planWorkflowId(tenantId: string, planId: string): string {
  return `${tenantId}/plan/${planId}`;
}

/** Attempt 1 runs under planWorkflowId; each retry under its own ID, so every run keeps its history. */
export function planAttemptWorkflowId(tenantId: string, planId: string, attempt: number): string {
  const first = planWorkflowId(tenantId, planId);
  return attempt === 1 ? first : `${first}/attempt/${attempt}`;
}

export function reminderWorkflowId(tenantId: string, reminderId: string): string {
  return `${tenantId}/reminder/${reminderId}`;
}

/** One round of one event webhook delivery, and how long and how often it is tried. */
export interface WebhookDeliveryInput {
  tenant_id: string;
  delivery_id: string;
  round: number;
  retry: WebhookRetry;
}

/** Backoff doubling from `initial_ms` to at most `maximum_ms`, until `give_up_after_ms` from the first try. */
export interface WebhookRetry {
  initial_ms: number;
  maximum_ms: number;
  give_up_after_ms: number;
}

export function webhookDeliveryWorkflowId(tenantId: string, deliveryId: string, round: number) {
  return `${tenantId}/webhook-delivery/${deliveryId}/${round}`;
}

/** One scheduled run of a recurring plan; `plan_id` once it submitted its plan (carried over continue-as-new). */
export interface ScheduledPlanInput {
  tenant_id: string;
  schedule_id: string;
  plan_id?: string;
}

/** How a scheduled run ended: the plan it made and how that plan ended, or why it made none. */
export interface ScheduledPlanOutcome {
  plan_id: string | null;
  status: string;
  error?: { code: string; message: string };
}

/** The Temporal Schedule's id, made from the tenant and the schedule row's id. */
export function scheduleId(tenantId: string, id: string): string {
  return `${tenantId}/schedule/${id}`;
}

/** The prefix of a schedule's runs' workflow ids; Temporal appends each run's scheduled time. */
export function scheduledRunWorkflowId(tenantId: string, id: string): string {
  return `${tenantId}/scheduled-plan/${id}`;
}

/** A question the assistant asked and is waiting to have answered, with the request it completes. */
export interface PendingQuestion {
  /** The request as it stood when the question was asked. */
  intent: string;
  question: string;
  /** The names the question is about ("which "bob"?"), to put the answer in place of. */
  names: string[];
  /** Whom a name could mean, when it fits several contacts. */
  candidates: { name: string; address: string | null }[];
}

/** The assistant's answer to one message. */
export interface AssistantTurn {
  /** The turn's id in the conversation's turn log. */
  turn_id: string;
  kind: 'plan' | 'question' | 'refusal' | 'dropped';
  text: string;
  plan_id?: string;
  workflow_id?: string;
  status?: string;
  approval_reason?: string | null;
  candidates?: PendingQuestion['candidates'];
}

/** One message of the user's, with the id that makes its processing idempotent. */
export interface ConversationMessage {
  message_id: string;
  text: string;
}

/** What a conversation remembers between messages, carried across continue-as-new. */
export interface ConversationContext {
  /** The latest turns, oldest first, at most CONVERSATION_CONTEXT_TURNS. */
  turns: { role: string; kind: string; text: string }[];
  /** How many older turns were dropped from the context (they stay in the turn log). */
  dropped: number;
  pending: PendingQuestion | null;
}

export interface ConversationWorkflowInput {
  tenant_id: string;
  conversation_id: string;
  /** Who the messages are from, as plans record their submitter. */
  submitter: {
    submitted_by_kind: 'key' | 'jwt';
    submitted_by_key: string | null;
    submitted_by_user: string | null;
  };
  context?: ConversationContext;
}

/** Posts a message and answers with the assistant's turn, once per message_id. */
export const postMessage = defineUpdate<AssistantTurn, [ConversationMessage]>('postMessage');
/** An event for the user (a reminder fired) already written to the turn log: kept in the context. */
export const conversationEvent =
  defineSignal<[{ kind: string; text: string }]>('conversationEvent');
export const getConversationContext = defineQuery<ConversationContext>('getConversationContext');

export function conversationWorkflowId(tenantId: string, conversationId: string): string {
  return `${tenantId}/conversation/${conversationId}`;
}
