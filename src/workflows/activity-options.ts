import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import type { ActionType } from '../plan/action-types';
import { DOMAIN_ERROR_TYPES } from '../plan/domain-errors';

const nonRetryableErrorTypes = [...DOMAIN_ERROR_TYPES];

// A worker that dies mid-step is noticed when the step's start-to-close timeout passes,
// so these stay close to what a step really needs. Domain errors are final at once, so
// the attempts left are for outages (Postgres restarting, a vendor's 500): each group
// keeps retrying for a few minutes before the step fails.

/**
 * Calendar writes: quick; a database outage of about four minutes is waited out.
 * A batch (up to 500 meetings) heartbeats after each one, so a worker lost
 * mid-step is still noticed within 20 s while a long batch may run for minutes.
 */
const calendar: ActivityOptions = {
  startToCloseTimeout: '10m',
  heartbeatTimeout: '20s',
  retry: {
    initialInterval: '500ms',
    backoffCoefficient: 2,
    maximumInterval: '10s',
    maximumAttempts: 30,
    nonRetryableErrorTypes,
  },
};

/** Deliveries: a provider outage (about a quarter of an hour) is waited out, not turned into a failed plan. */
const delivery: ActivityOptions = {
  startToCloseTimeout: '20s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    maximumAttempts: 20,
    nonRetryableErrorTypes,
  },
};

/** Webhooks answer slowly and their owners expect retries for about ten minutes. */
const automation: ActivityOptions = {
  startToCloseTimeout: '60s',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    maximumAttempts: 15,
    nonRetryableErrorTypes,
  },
};

/** The retry policy of each action type, in one place. */
export const STEP_OPTIONS: Record<ActionType, ActivityOptions> = {
  book_meeting: calendar,
  update_meeting: calendar,
  cancel_meeting: calendar,
  check_availability: calendar,
  find_meetings: calendar,
  schedule_reminder: calendar,
  send_email: delivery,
  send_sms: delivery,
  initiate_call: delivery,
  start_campaign: delivery,
  trigger_automation: automation,
};

/**
 * Audit writes: local to the worker. A Postgres outage is waited out, with
 * retries up to two minutes apart (past a minute the SDK waits on a workflow
 * timer, so a long outage adds few events to the history), for up to an hour;
 * a write Postgres refuses for what it contains (AuditWriteRefusedError, in
 * src/activities/errors.ts) is final at once. Either way the plan then ends failed.
 */
export const AUDIT_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '10s',
  scheduleToCloseTimeout: '1h',
  retry: {
    initialInterval: '200ms',
    backoffCoefficient: 2,
    maximumInterval: '2m',
    nonRetryableErrorTypes: ['AuditWriteRefusedError'],
  },
};

/**
 * Reservations against the tenant's action rates, before each step: local
 * to the worker, and like audit writes they wait out a Postgres outage for up
 * to an hour; after that the step fails with the outage's error.
 */
export const CAPACITY_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '10s',
  scheduleToCloseTimeout: '1h',
  retry: {
    initialInterval: '200ms',
    backoffCoefficient: 2,
    maximumInterval: '1m',
  },
};

export const REMINDER_OPTIONS: ActivityOptions = delivery;

/**
 * Undo steps: retried through an outage of about five minutes, then recorded as
 * failed. A batch's undo heartbeats after each meeting, as its step did.
 */
export const UNDO_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10m',
  heartbeatTimeout: '30s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 15,
    nonRetryableErrorTypes,
  },
};
