import { actionParams, email, phone } from './action-params';
import {
  ACTIONS,
  ACTION_TYPES,
  isActionType,
  type ActionParams,
  type ActionType,
  type ChainableField,
} from './action-types';
import { fieldErrors, formatPath, type FieldError } from './field-error';
import { parseOffset } from './offset';
import { planEnvelope, stepEnvelope, type FailurePolicy, type StepCondition } from './plan-schema';

/** A step that passed validation. */
export interface PlanStep<T extends ActionType = ActionType> {
  type: T;
  params: ActionParams<T>;
  use_result_from?: number;
  condition: StepCondition;
  approval: 'required' | 'none';
}

/** A plan that passed validation: every step is allowlisted and consistent with the others. */
export interface Plan {
  intent: string;
  context?: Record<string, unknown>;
  timezone?: string;
  conversation_id?: string;
  user_id?: string;
  on_failure: FailurePolicy;
  require_approval: boolean;
  approval_timeout?: string;
  actions: PlanStep[];
}

export type PlanValidation = { ok: true; plan: Plan } | { ok: false; errors: FieldError[] };

/**
 * Checks a submitted plan: the envelope, each step's type and params, and the
 * rules that span steps (chaining, conditions, reminder times). Every error
 * names its step index and the reason.
 *
 * @example validatePlan({ intent: 'x', actions: [{ type: 'rm_rf', params: {} }] })
 * // { ok: false, errors: [{ path: 'actions[0].type', message: 'unknown action type "rm_rf"; allowed: ...' }] }
 */
export function validatePlan(input: unknown): PlanValidation {
  const envelope = planEnvelope.safeParse(input);
  if (!envelope.success) return { ok: false, errors: fieldErrors(envelope.error) };

  const errors: FieldError[] = [];
  const steps: PlanStep[] = [];
  envelope.data.actions.forEach((raw, index) => {
    const step = parseStep(raw, index, errors);
    if (step) steps.push(step);
  });
  if (errors.length === 0) {
    steps.forEach((step, index) => checkAcrossSteps(step, index, steps, errors));
  }
  const timeout = envelope.data.approval_timeout;
  if (timeout !== undefined && !isApprovalTimeout(timeout)) {
    errors.push({
      path: 'approval_timeout',
      message: `"${timeout}" is not a duration between 1 second and 90 days, e.g. 2h or 3d`,
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, plan: { ...envelope.data, actions: steps } };
}

/** Approval deadlines: a positive duration from a second to 90 days. */
export function isApprovalTimeout(text: string): boolean {
  const ms = parseOffset(text);
  return ms !== null && ms >= 1000 && ms <= 90 * 24 * 3600 * 1000;
}

function parseStep(raw: unknown, index: number, errors: FieldError[]): PlanStep | null {
  const at = ['actions', index] as const;
  const envelope = stepEnvelope.safeParse(raw);
  if (!envelope.success) {
    errors.push(...fieldErrors(envelope.error, at));
    return null;
  }
  const { type, params, ...rest } = envelope.data;
  if (!isActionType(type)) {
    errors.push({
      path: formatPath([...at, 'type']),
      message: `unknown action type "${type}"; allowed: ${ACTION_TYPES.join(', ')}`,
    });
    return null;
  }
  const parsed = actionParams[type].safeParse(params);
  if (!parsed.success) {
    errors.push(...fieldErrors(parsed.error, [...at, 'params']));
    return null;
  }
  return { type, params: parsed.data, ...rest } as PlanStep;
}

function checkAcrossSteps(step: PlanStep, index: number, steps: PlanStep[], errors: FieldError[]) {
  const at = (...path: PropertyKey[]) => formatPath(['actions', index, ...path]);
  const fail = (path: string, message: string) =>
    errors.push({ path, message: `step ${index} (${step.type}): ${message}` });

  const source = step.use_result_from;
  if (source !== undefined) {
    if (source === index) fail(at('use_result_from'), 'cannot use its own result');
    else if (source > index) fail(at('use_result_from'), `step ${source} runs later`);
    else if (source < 0) fail(at('use_result_from'), `there is no step ${source}`);
  }
  if (step.condition !== 'always' && index === 0) {
    fail(at('condition'), `${step.condition} needs a previous step`);
  }
  const chainedFrom = source !== undefined && source >= 0 && source < index ? steps[source] : null;
  const chained = (field: ChainableField) =>
    chainedFrom !== null && ACTIONS[chainedFrom.type].produces.includes(field);
  const requireField = (present: boolean, field: string, via: ChainableField) => {
    if (present || chained(via)) return;
    const hint = chainedFrom
      ? `step ${source} (${chainedFrom.type}) does not provide ${via}`
      : `give it or chain a step that provides ${via} with use_result_from`;
    fail(at('params', field), `missing required parameter ${field}; ${hint}`);
  };

  switch (step.type) {
    case 'book_meeting': {
      const p = step.params as ActionParams<'book_meeting'>;
      requireField(p.time !== undefined, 'time', 'start_time');
      requireField(p.attendees !== undefined, 'attendees', 'attendees');
      break;
    }
    case 'update_meeting': {
      const p = step.params as ActionParams<'update_meeting'>;
      requireField(p.meeting_id !== undefined || p.match !== undefined, 'meeting_id', 'meeting_id');
      if (p.time === undefined && p.duration_minutes === undefined && p.title === undefined) {
        fail(at('params'), 'nothing to change: give time, duration_minutes or title');
      }
      break;
    }
    case 'cancel_meeting': {
      const p = step.params as ActionParams<'cancel_meeting'>;
      requireField(p.meeting_id !== undefined || p.match !== undefined, 'meeting_id', 'meeting_id');
      break;
    }
    case 'send_email': {
      const p = step.params as ActionParams<'send_email'>;
      requireField(p.to !== undefined, 'to', 'attendees');
      const hasContent = p.subject || p.body || p.template || chained('title');
      if (!hasContent) fail(at('params'), 'an email needs a subject, a body or a template');
      break;
    }
    case 'schedule_reminder': {
      const p = step.params as ActionParams<'schedule_reminder'>;
      if (p.at !== undefined && p.offset !== undefined) {
        fail(at('params'), 'give either at or offset, not both');
      } else if (p.offset !== undefined) {
        if (parseOffset(p.offset) === null) {
          fail(
            at('params', 'offset'),
            `offset "${p.offset}" does not parse; use e.g. -1h, -30m, -1d or -1h30m`,
          );
        } else if (!chained('start_time')) {
          fail(
            at('params', 'offset'),
            'an offset needs use_result_from pointing at a step with a start time',
          );
        }
      } else if (p.at === undefined) {
        fail(at('params'), 'a reminder needs at, or an offset with a chained start time');
      }
      if (p.channel === 'email' && p.to === undefined && !chained('attendees')) {
        fail(at('params', 'to'), "an email reminder needs to, or a chained meeting's attendees");
      }
      if (p.channel === 'sms' && p.to === undefined) {
        fail(at('params', 'to'), 'an sms reminder needs to');
      }
      const recipient = p.channel === 'sms' ? phone : p.channel === 'email' ? email : null;
      p.to?.forEach((to, i) => {
        if (recipient && !recipient.safeParse(to).success) {
          fail(
            at('params', 'to', i),
            `"${to}" is not a valid ${p.channel === 'sms' ? 'E.164 number' : 'email address'}`,
          );
        }
      });
      break;
    }
    default:
      break;
  }
}
