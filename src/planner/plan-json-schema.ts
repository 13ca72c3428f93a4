import { z } from 'zod';
import { actionParams } from '../plan/action-params';
import { ACTIONS, ACTION_TYPES, type ActionType } from '../plan/action-types';
import { MAX_STEPS, stepConditions } from '../plan/plan-schema';
import type { CannotPlanReason } from './planner';

type JsonSchema = Record<string, unknown>;

const CANNOT_PLAN_REASONS: readonly CannotPlanReason[] = [
  'outside_allowlist',
  'missing_information',
  'not_understood',
];

/** Patterns zod writes for dates and emails run to hundreds of characters; a hint reads better. */
const LONG_PATTERN = 120;

/**
 * Strips what structured output does not need or may reject: `$schema`,
 * `propertyNames`, non-standard formats and very long patterns (validatePlan
 * checks those values anyway).
 */
export function simplifySchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplifySchema);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === 'propertyNames') continue;
    if (key === 'format' && value === 'e164') continue;
    if (key === 'pattern' && typeof value === 'string' && value.length > LONG_PATTERN) continue;
    out[key] = simplifySchema(value);
  }
  return out;
}

/** The JSON Schema of one action type's step: its type, its params and the step envelope. */
export function stepJsonSchema(type: ActionType): JsonSchema {
  const params = simplifySchema(
    z.toJSONSchema(actionParams[type], { io: 'input', unrepresentable: 'any' }),
  );
  return {
    type: 'object',
    description: ACTIONS[type].description,
    properties: {
      type: { type: 'string', const: type },
      params,
      use_result_from: {
        type: 'integer',
        minimum: 0,
        description:
          'Index of an earlier step whose output fills missing inputs (and that a condition looks at).',
      },
      condition: { type: 'string', enum: [...stepConditions] },
    },
    required: ['type', 'params'],
    additionalProperties: false,
  };
}

/**
 * The JSON Schema the LLM answers in, generated from the same zod allowlist
 * validatePlan uses: `{ actions, confidence, reasoning, cannot_plan? }`, each
 * action one of the allowlisted types.
 */
export function planJsonSchema(): JsonSchema {
  return {
    type: 'object',
    properties: {
      actions: {
        type: 'array',
        maxItems: MAX_STEPS,
        items: { anyOf: ACTION_TYPES.map(stepJsonSchema) },
      },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
      reasoning: { type: 'string' },
      cannot_plan: {
        type: 'object',
        description: 'Set, with no actions, when the request cannot become an allowed plan.',
        properties: {
          reason: { type: 'string', enum: [...CANNOT_PLAN_REASONS] },
          message: { type: 'string' },
        },
        required: ['reason', 'message'],
        additionalProperties: false,
      },
    },
    required: ['actions', 'confidence', 'reasoning'],
    additionalProperties: false,
  };
}

/** The answer as the schema describes it; parsed loosely, since the schema is not enforced. */
export const planAnswer = z.object({
  actions: z.array(z.unknown()),
  confidence: z.number().min(0).max(1).catch(0.5),
  reasoning: z.string().catch(''),
  cannot_plan: z
    .object({
      reason: z.enum(CANNOT_PLAN_REASONS as [CannotPlanReason, ...CannotPlanReason[]]),
      message: z.string(),
    })
    .nullish(),
});

export type PlanAnswer = z.infer<typeof planAnswer>;
