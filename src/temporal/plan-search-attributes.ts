import type { SearchAttributePair, SearchAttributeUpdatePair } from '@temporalio/common';
import type { PlanState, PlanWorkflowInput } from '../workflows/definitions';
import {
  ERRAND_AWAITING_APPROVAL,
  ERRAND_PLANNER,
  ERRAND_SOURCE,
  ERRAND_STATUS,
  ERRAND_STEP_TYPE,
  ERRAND_TENANT,
  ERRAND_USER,
} from './search-attributes';

/**
 * What a plan's workflow carries from its start: who it is for and where it came from, which
 * never change, and the status it starts in, so a plan is found before its first task runs.
 * Search attributes are not encrypted by the codec: they hold ids and names, never content.
 */
export function planStartAttributes(input: PlanWorkflowInput): SearchAttributePair[] {
  const userId = input.plan.user_id;
  return [
    { key: ERRAND_TENANT, value: input.tenant_id },
    { key: ERRAND_STATUS, value: 'pending' },
    { key: ERRAND_AWAITING_APPROVAL, value: false },
    { key: ERRAND_SOURCE, value: input.source ?? 'api' },
    ...(userId ? [{ key: ERRAND_USER, value: userId }] : []),
    ...(input.planner ? [{ key: ERRAND_PLANNER, value: input.planner }] : []),
  ];
}

/** The attributes that move with the plan: its status, the step it is at, whether it waits for a decision. */
export interface MovingAttributes {
  status: string;
  step_type: string | null;
  awaiting_approval: boolean;
}

export function movingAttributesOf(
  state: PlanState,
  actions: readonly { type: string }[],
): MovingAttributes {
  const step = state.current_step;
  return {
    status: state.status,
    step_type: step === null ? null : (actions[step]?.type ?? null),
    awaiting_approval: state.status === 'awaiting_approval',
  };
}

/** The upserts that take `before` to `after`: only what changed; a step type of null removes it. */
export function attributeChanges(
  before: MovingAttributes,
  after: MovingAttributes,
): SearchAttributeUpdatePair[] {
  const changes: SearchAttributeUpdatePair[] = [];
  if (before.status !== after.status) changes.push({ key: ERRAND_STATUS, value: after.status });
  if (before.step_type !== after.step_type) {
    changes.push({ key: ERRAND_STEP_TYPE, value: after.step_type });
  }
  if (before.awaiting_approval !== after.awaiting_approval) {
    changes.push({ key: ERRAND_AWAITING_APPROVAL, value: after.awaiting_approval });
  }
  return changes;
}
