import { z } from 'zod';
import { INTENT_SOURCES } from '../intent-gate';
import { planEnvelope, stepEnvelope } from '../../plan/plan-schema';
import { instant, json, jsonObject, pageOf } from './common-schemas';

/**
 * The response bodies of the plan, intent, decision, schedule and conversation
 * routes, for the OpenAPI document: each the shape its route builds (plan-view.ts,
 * plans-routes.ts, intent-service.ts, …), checked against real responses by
 * test/integration/openapi.test.ts.
 */

/** The run in the Temporal Web UI. */
const webUiLink = z.object({
  web_ui: z.string().meta({ description: "The plan's workflow in the Temporal Web UI." }),
});

const planLinks = z.object({
  self: z.string().meta({ description: 'The plan: GET it for its status and steps.' }),
  web_ui: z.string().meta({ description: "The plan's workflow in the Temporal Web UI." }),
});

/** POST /v1/plans. */
export const planSubmitted = z
  .object({
    plan_id: z.uuid(),
    workflow_id: z.string(),
    status: z.string().meta({ description: '`pending` once started; `submitting` with a 202.' }),
    links: planLinks,
  })
  .meta({ id: 'PlanSubmitted' });

/** POST /v1/plans/:id/execute and /retry. */
export const planRun = planSubmitted
  .extend({
    attempt: z
      .int()
      .meta({ description: 'Which run of the plan this is: 1, then one more per retry.' }),
  })
  .meta({ id: 'PlanRun' });

/** planView: a plan as lists show it. */
export const planSummary = z
  .object({
    id: z.uuid(),
    workflow_id: z.string(),
    status: z.string().meta({
      description:
        '`submitting`, `draft`, `pending`, `running`, `awaiting_approval`, `completed`, `failed`, `cancelled`, `compensated`, …',
    }),
    current_step: z.int().nullable(),
    waiting_until: z.string().nullable(),
    intent: z.string(),
    context: jsonObject.nullable(),
    timezone: z.string(),
    on_failure: z.string(),
    conversation_id: z.string().nullable(),
    user_id: z.string().nullable(),
    source: z.string(),
    submitted_by: z
      .object({
        kind: z.enum(['key', 'jwt']),
        key_id: z.string().nullable(),
        user: z.string().nullable(),
      })
      .nullable(),
    actions: z.array(jsonObject).meta({ description: 'The steps, in the nested form.' }),
    steps: z
      .array(jsonObject)
      .meta({ description: "Each step's status, output, error and timings." }),
    successful_steps: z.int(),
    failed_steps: z.int(),
    skipped_steps: z.int(),
    attempt: z.int(),
    error: json.meta({ description: "The plan's failure, or null." }),
    approvals: z.array(jsonObject),
    compensation: z.array(jsonObject),
    created_at: instant,
    started_at: instant.nullable(),
    completed_at: instant.nullable(),
    updated_at: instant,
    links: webUiLink,
  })
  .meta({ id: 'PlanSummary' });

export const planPage = pageOf(planSummary);

/** GET /v1/plans/:id: the plan, its Web UI link and its event log. */
export const planDetail = planSummary
  .extend({
    events: z.array(
      z.object({
        step_index: z.int().nullable(),
        kind: z.string(),
        detail: json,
        attempt: z.int(),
        created_at: instant,
      }),
    ),
  })
  .meta({ id: 'Plan' });

/** POST /v1/plans/validate: the plan as it would be stored and run, each step nested. */
export const planValidated = z.object({
  valid: z.literal(true),
  plan: planEnvelope.extend({ actions: z.array(stepEnvelope) }),
});

/** POST /v1/plans/:id/approve and /reject. */
export const planDecided = z.object({
  plan_id: z.uuid(),
  decision: z.object({
    outcome: z.enum(['approved', 'rejected', 'expired']),
    by: z.string(),
    at: instant,
    reason: z.string().nullable(),
  }),
  links: webUiLink,
});

/** POST /v1/plans/:id/cancel. */
export const planCancelled = z.object({
  plan_id: z.uuid(),
  status: z.enum(['cancelled', 'cancelling']),
  links: webUiLink,
});

const plannerSummary = {
  actions: z.array(jsonObject).meta({ description: 'The steps the planner made.' }),
  confidence: z.number(),
  planner: z.enum(['rules', 'openai']),
  reasoning: z.string(),
  warnings: z.array(z.string()),
};

/** POST /v1/intents (and inbound intents): a dry run's plan, or the plan submitted. */
export const intentAnswer = z
  .object({
    decision_id: z.uuid(),
    outcome: z.enum(['executed', 'awaiting_approval', 'dry_run']),
    plan_id: z.uuid().optional(),
    workflow_id: z.string().optional(),
    status: z
      .string()
      .optional()
      .meta({ description: "The plan's status (absent for a dry run)." }),
    approval_reason: z.string().nullable().optional(),
    effective_confidence: z.number().nullable().optional(),
    links: webUiLink.optional().meta({ description: 'With a plan: its run in the Web UI.' }),
    ...plannerSummary,
  })
  .meta({ id: 'IntentAnswer' });

/** GET /v1/decisions: the decision log's rows. */
export const decision = z
  .object({
    id: z.uuid(),
    tenant_id: z.string(),
    source: z.enum(INTENT_SOURCES),
    text: z.string(),
    planner: z.string().nullable(),
    model: z.string().nullable(),
    prompt: json,
    response: json,
    usage: json,
    confidence: z.number().nullable(),
    reasoning: z.string().nullable(),
    warnings: z.array(z.string()).nullable(),
    actions: z.array(jsonObject).nullable(),
    outcome: z.enum(['executed', 'awaiting_approval', 'rejected', 'failed', 'dry_run']),
    reason: z.string().nullable(),
    plan_id: z.uuid().nullable(),
    idempotency_key: z.string().nullable(),
    request_hash: z.string().nullable(),
    effective_confidence: z.number().nullable(),
    answer: json.meta({
      description: 'The first answer (status and body), replayed for a repeated Idempotency-Key.',
    }),
    created_at: instant,
  })
  .meta({ id: 'Decision' });

export const decisionPage = pageOf(decision);

/** GET /v1/analytics. */
export const analytics = z.object({
  decisions: z.int(),
  by_outcome: z.record(z.string(), z.int()),
  by_planner: z.record(z.string(), z.int()),
  mean_confidence: z.number().nullable(),
  approval_rate: z.number().nullable(),
  plan_success_rate: z.number().nullable(),
});

const scheduleLinks = z.object({ self: z.string(), web_ui: z.string() });

/** POST /v1/schedules. */
export const scheduleCreated = z.object({
  schedule_id: z.uuid(),
  status: z.string(),
  links: scheduleLinks,
});

/** scheduleView: a schedule as lists show it. */
export const scheduleSummary = z
  .object({
    schedule_id: z.uuid(),
    kind: z.enum(['plan', 'intent']),
    plan: jsonObject.optional(),
    intent: jsonObject.nullable().optional(),
    schedule: z.string(),
    timing: jsonObject,
    timezone: z.string(),
    start_at: instant.nullable(),
    end_at: instant.nullable(),
    overlap: z.string(),
    status: z.string(),
    created_at: instant,
  })
  .meta({ id: 'ScheduleSummary' });

export const schedulePage = pageOf(scheduleSummary);

/** GET /v1/schedules/:id (scheduleDetailView). */
export const scheduleDetail = scheduleSummary
  .extend({
    next_run_times: z.array(instant),
    runs_started: z.int(),
    runs_skipped_for_overlap: z.int(),
    recent_runs: z.array(
      z.object({
        workflow_id: z.string(),
        plan_id: z.uuid().nullable(),
        outcome: z.string(),
        error: json,
        created_at: instant,
        links: z.object({
          web_ui: z.string().meta({ description: "The run's workflow in the Temporal Web UI." }),
        }),
      }),
    ),
    links: scheduleLinks,
  })
  .meta({ id: 'Schedule' });

/** POST /v1/schedules/:id/pause and /resume. */
export const scheduleStatus = z.object({
  schedule_id: z.uuid(),
  status: z.enum(['paused', 'active']),
});

/** POST /v1/schedules/:id/trigger. */
export const scheduleTriggered = z.object({ schedule_id: z.uuid(), triggered: z.literal(true) });

/** conversationView. */
export const conversation = z
  .object({
    conversation_id: z.uuid(),
    title: z.string().nullable(),
    workflow_id: z.string(),
    created_at: instant,
    updated_at: instant,
    links: z.object({
      web_ui: z
        .string()
        .meta({ description: "The conversation's workflow in the Temporal Web UI." }),
    }),
  })
  .meta({ id: 'Conversation' });

/** turnView: a turn's own fields and its data's (a plan id, a question, …). */
export const turn = z
  .looseObject({
    id: z.string(),
    role: z.string(),
    kind: z.string(),
    text: z.string(),
    created_at: instant,
    links: webUiLink.optional().meta({ description: 'On a turn that started a plan.' }),
  })
  .meta({ id: 'ConversationTurn' });

export const conversationList = z.object({ data: z.array(conversation) });

export const conversationDetail = conversation.extend({ turns: z.array(turn) });

/** POST /v1/conversations/:id/messages, answered as JSON: the assistant's turn. */
export const messageAnswered = z.object({ turn: jsonObject });
