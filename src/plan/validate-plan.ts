import { actionParams, dateTime, email, phone } from './action-params';
import {
  ACTIONS,
  ACTION_TYPES,
  isActionType,
  type ActionParams,
  type ActionType,
  type ChainableField,
} from './action-types';
import { fieldErrors, formatPath, type FieldError } from './field-error';
import { awaitsResult } from './awaits-result';
import { parseOffset } from './offset';
import { planEnvelope, stepEnvelope, type FailurePolicy, type StepCondition } from './plan-schema';

/** A step that passed validation. */
export interface PlanStep<T extends ActionType = ActionType> {
  type: T;
  params: ActionParams<T>;
  use_result_from?: number;
  condition: StepCondition;
  approval: 'required' | 'none';
  /** An ISO time, or an offset from the chained step's start time; see stepEnvelope. */
  not_before?: string;
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
  const flatSteps = new Set<number>();
  envelope.data.actions.forEach((raw, index) => {
    const step = parseStep(raw, index, errors, flatSteps);
    if (step) steps.push(step);
  });
  if (errors.length === 0) {
    const forUser = envelope.data.user_id !== undefined;
    steps.forEach((step, index) => checkAcrossSteps(step, index, steps, errors, forUser));
  }
  const timeout = envelope.data.approval_timeout;
  if (timeout !== undefined && !isApprovalTimeout(timeout)) {
    errors.push({
      path: 'approval_timeout',
      message: `"${timeout}" is not a duration between 1 second and 90 days, e.g. 2h or 3d`,
    });
  }
  if (errors.length > 0) return { ok: false, errors: unnestPaths(errors, flatSteps) };
  return { ok: true, plan: { ...envelope.data, actions: steps } };
}

/** `all: true` acts on what a match selects: it needs a match, and a meeting id would be one meeting. */
function checkBatch(
  p: ActionParams<'update_meeting' | 'cancel_meeting'>,
  at: (...path: PropertyKey[]) => string,
  fail: (path: string, message: string) => void,
) {
  if (!p.all) return;
  if (p.meeting_id !== undefined) {
    fail(at('params', 'all'), 'all: true works on a match, not on a meeting_id');
  } else if (p.match === undefined) {
    fail(at('params', 'match'), 'all: true needs a match selecting the meetings');
  }
}

/** Approval deadlines: a positive duration from a second to 90 days. */
export function isApprovalTimeout(text: string): boolean {
  const ms = parseOffset(text);
  return ms !== null && ms >= 1000 && ms <= 90 * 24 * 3600 * 1000;
}

/** The fields of a step itself; any other field beside `type` is one of its parameters. */
const STEP_FIELDS = new Set(Object.keys(stepEnvelope.shape));

/**
 * Moves parameters written beside `type` (`{"type":"book_meeting","title":"Demo"}`, as
 * assistants' own documents write steps) into `params`, the one form plans are stored in.
 * Both at once is refused: which one meant what would be a guess.
 */
function nestParams(
  raw: unknown,
  at: readonly PropertyKey[],
  errors: FieldError[],
): { step: unknown; flat: boolean } | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { step: raw, flat: false };
  const flat = Object.keys(raw).filter((k) => !STEP_FIELDS.has(k));
  if (flat.length === 0) return { step: raw, flat: false };
  const record = raw as Record<string, unknown>;
  if ('params' in record) {
    errors.push({
      path: formatPath([...at, 'params']),
      message: `give the parameters either in params or beside type, not both (beside type: ${flat.join(', ')})`,
    });
    return null;
  }
  const step: Record<string, unknown> = { params: {} };
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (STEP_FIELDS.has(k)) step[k] = v;
    else params[k] = v;
  }
  step.params = params;
  return { step, flat: true };
}

/** Errors of a step written in the flat form name its fields where the client wrote them. */
function unnestPaths(errors: FieldError[], flatSteps: ReadonlySet<number>): FieldError[] {
  if (flatSteps.size === 0) return errors;
  return errors.map((e) => {
    const m = /^actions\[(\d+)\]\.params(?=$|[.[])/.exec(e.path);
    if (!m || !flatSteps.has(Number(m[1]))) return e;
    const rest = e.path.slice(m[0].length).replace(/^\./, '');
    const step = `actions[${m[1]}]`;
    return {
      ...e,
      path: rest === '' ? step : rest.startsWith('[') ? step + rest : `${step}.${rest}`,
    };
  });
}

function parseStep(
  raw: unknown,
  index: number,
  errors: FieldError[],
  flatSteps: Set<number>,
): PlanStep | null {
  const at = ['actions', index] as const;
  const nested = nestParams(raw, at, errors);
  if (!nested) return null;
  if (nested.flat) flatSteps.add(index);
  const envelope = stepEnvelope.safeParse(nested.step);
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

function checkAcrossSteps(
  step: PlanStep,
  index: number,
  steps: PlanStep[],
  errors: FieldError[],
  forUser: boolean,
) {
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
  // What an awaited automation reports is known only when it reports: its fields are checked then.
  const chained = (field: ChainableField) =>
    chainedFrom !== null &&
    (ACTIONS[chainedFrom.type].produces.includes(field) || awaitsResult(chainedFrom));
  const requireField = (present: boolean, field: string, via: ChainableField) => {
    if (present || chained(via)) return;
    const hint = chainedFrom
      ? `step ${source} (${chainedFrom.type}) does not provide ${via}`
      : `give it or chain a step that provides ${via} with use_result_from`;
    fail(at('params', field), `missing required parameter ${field}; ${hint}`);
  };

  if (step.not_before !== undefined) {
    if (!dateTime.safeParse(step.not_before).success) {
      if (parseOffset(step.not_before) === null) {
        fail(
          at('not_before'),
          `"${step.not_before}" is neither an ISO time such as 2026-01-13T17:00:00 nor an offset such as -10m`,
        );
      } else if (!chained('start_time')) {
        fail(
          at('not_before'),
          'an offset needs use_result_from pointing at a step with a start time',
        );
      }
    }
  }

  switch (step.type) {
    case 'book_meeting': {
      const p = step.params as ActionParams<'book_meeting'>;
      // No attendees is a block in the user's own calendar.
      if (!p.items) {
        if (p.title === undefined) fail(at('params', 'title'), 'missing required parameter title');
        requireField(p.time !== undefined, 'time', 'start_time');
        break;
      }
      p.items.forEach((item, i) => {
        if ((item.title ?? p.title) === undefined) {
          fail(at('params', 'items', i, 'title'), 'needs a title, or one for the whole step');
        }
        if ((item.time ?? p.time) === undefined && !chained('start_time')) {
          fail(
            at('params', 'items', i, 'time'),
            'needs a time, or one for the whole step (given or chained)',
          );
        }
      });
      break;
    }
    case 'update_meeting': {
      const p = step.params as ActionParams<'update_meeting'>;
      requireField(p.meeting_id !== undefined || p.match !== undefined, 'meeting_id', 'meeting_id');
      checkBatch(p, at, fail);
      if (
        p.time === undefined &&
        p.shift === undefined &&
        p.duration_minutes === undefined &&
        p.title === undefined
      ) {
        fail(at('params'), 'nothing to change: give time, shift, duration_minutes or title');
      }
      if (p.time !== undefined && p.shift !== undefined) {
        fail(at('params', 'shift'), 'give either time or shift, not both');
      } else if (p.shift !== undefined) {
        const ms = parseOffset(p.shift);
        if (ms === null || ms === 0 || ms % 60_000 !== 0) {
          fail(
            at('params', 'shift'),
            `shift "${p.shift}" is not a signed whole number of minutes such as +1h, -30m or +1d`,
          );
        }
      }
      break;
    }
    case 'cancel_meeting': {
      const p = step.params as ActionParams<'cancel_meeting'>;
      requireField(p.meeting_id !== undefined || p.match !== undefined, 'meeting_id', 'meeting_id');
      checkBatch(p, at, fail);
      break;
    }
    case 'send_email': {
      const p = step.params as ActionParams<'send_email'>;
      requireField(p.to !== undefined, 'to', 'attendees');
      const meeting = chainedFrom?.params as ActionParams<'book_meeting'> | undefined;
      // With nobody invited the email goes to the plan's user, when the plan names one.
      if (
        p.to === undefined &&
        !forUser &&
        chainedFrom?.type === 'book_meeting' &&
        chainedFrom.use_result_from === undefined &&
        !meeting?.attendees?.length &&
        !meeting?.items?.some((item) => item.attendees?.length)
      ) {
        fail(
          at('params', 'to'),
          `step ${source} books a meeting with no attendees, so the email has nobody to go to; give to, or the plan's user_id (it then goes to that user's contact)`,
        );
      }
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
