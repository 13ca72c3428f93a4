import type { FieldError } from '../plan/field-error';
import { validatePlan } from '../plan/validate-plan';
import { planAnswer } from './plan-json-schema';
import type { CannotPlanReason, PlanOptions, PlannedStep } from './planner';

/** What a model's answer amounts to. */
export type AnswerReading =
  | { kind: 'plan'; actions: PlannedStep[]; confidence: number; reasoning: string }
  | { kind: 'cannot_plan'; reason: CannotPlanReason; message: string }
  | { kind: 'rejected'; problem: string | FieldError[] };

/** Models often write null for "not given"; the plan format wants the key left out. */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, dropNulls(v)]),
  );
}

/**
 * Reads a model's answer: JSON in the plan-answer shape whose actions pass
 * validatePlan for this intent and timezone. Anything else is `rejected`
 * with the reason, ready to send back for repair.
 */
export function readPlanAnswer(
  content: string,
  intent: string,
  options: PlanOptions,
): AnswerReading {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return { kind: 'rejected', problem: 'the answer is not valid JSON' };
  }
  const answer = planAnswer.safeParse(dropNulls(json));
  if (!answer.success) {
    return {
      kind: 'rejected',
      problem: 'the answer needs "actions" (an array), "confidence" and "reasoning"',
    };
  }
  const { actions, confidence, reasoning, cannot_plan: cannot } = answer.data;
  if (cannot && actions.length === 0) return { kind: 'cannot_plan', ...cannot };
  // The plan is checked as submitted; the intent is cut to the length the plan format allows.
  const check = validatePlan({
    intent: intent.slice(0, 2000),
    timezone: options.timezone,
    actions,
  });
  if (!check.ok) return { kind: 'rejected', problem: check.errors };
  return { kind: 'plan', actions: actions as PlannedStep[], confidence, reasoning };
}
