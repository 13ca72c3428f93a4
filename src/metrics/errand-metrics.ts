import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Errand's own Prometheus series, in one registry per process: the API and the
 * worker record into it wherever they run, and each process serves it (the API
 * at /metrics, a separate worker on ERRAND_WORKER_METRICS_PORT). Labels are
 * bounded: tenants (bounded by the deployment), action types, sources and
 * outcomes from fixed lists, and route templates; never a plan, user or raw path.
 */
export const metricsRegistry = new Registry();

collectDefaultMetrics({ register: metricsRegistry, prefix: 'errand_' });

const registers = [metricsRegistry];

export const plansStarted = new Counter({
  name: 'errand_plans_started_total',
  help: "Plan runs that began (running at once, or waiting for the whole plan's approval), by tenant and source.",
  labelNames: ['tenant', 'source'] as const,
  registers,
});

export const plansEnded = new Counter({
  name: 'errand_plans_ended_total',
  help: 'Plan runs that ended, by tenant, source and outcome (completed, failed, rejected, expired, cancelled).',
  labelNames: ['tenant', 'source', 'outcome'] as const,
  registers,
});

export const stepDuration = new Histogram({
  name: 'errand_step_duration_seconds',
  help: "A step's time from its start to its end (retries included), by action type and outcome (succeeded, failed).",
  labelNames: ['action', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600],
  registers,
});

export const approvalsWaiting = new Gauge({
  name: 'errand_approvals_waiting',
  help: 'Plans awaiting an approval decision now, by tenant (read from Postgres at scrape time).',
  labelNames: ['tenant'] as const,
  registers,
});

export const approvalDecisionLatency = new Histogram({
  name: 'errand_approval_decision_seconds',
  help: 'From an approval being requested to its decision, by tenant and outcome (approved, rejected, expired).',
  labelNames: ['tenant', 'outcome'] as const,
  buckets: [1, 10, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 86_400, 3 * 86_400, 7 * 86_400],
  registers,
});

export const remindersPending = new Gauge({
  name: 'errand_reminders_pending',
  help: 'Reminders waiting to fire, by tenant (read from Postgres at scrape time).',
  labelNames: ['tenant'] as const,
  registers,
});

export const reminderLateness = new Histogram({
  name: 'errand_reminder_lateness_seconds',
  help: 'How long after its fire_at a reminder was delivered (0 when on time or early), by tenant and channel.',
  labelNames: ['tenant', 'channel'] as const,
  buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
  registers,
});

export const plannerConfidence = new Histogram({
  name: 'errand_planner_confidence',
  help: "The planner's confidence in the plans it made for intents, by planner (rules, openai).",
  labelNames: ['planner'] as const,
  buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1],
  registers,
});

export const plannerOutcomes = new Counter({
  name: 'errand_planner_outcomes_total',
  help: 'Intents decided, by tenant, planner and outcome (executed, awaiting_approval, rejected, dry_run, failed).',
  labelNames: ['tenant', 'planner', 'outcome'] as const,
  registers,
});

export const webhookAttempts = new Counter({
  name: 'errand_webhook_attempts_total',
  help: 'Event webhook POSTs, by tenant and result (ok, http_error, network_error, refused).',
  labelNames: ['tenant', 'result'] as const,
  registers,
});

export const webhookDeliveries = new Counter({
  name: 'errand_webhook_deliveries_total',
  help: 'Event webhook deliveries that ended, by tenant and outcome (delivered, failed, held).',
  labelNames: ['tenant', 'outcome'] as const,
  registers,
});

export const httpDuration = new Histogram({
  name: 'errand_http_request_duration_seconds',
  help: 'API requests, by method, route template (unmatched for no route) and status code.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers,
});
