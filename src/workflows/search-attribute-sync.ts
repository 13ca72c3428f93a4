import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import {
  attributeChanges,
  movingAttributesOf,
  type MovingAttributes,
} from '../temporal/plan-search-attributes';
import type { PlanState } from './definitions';

/** Plans that keep ErrandStatus, ErrandStepType and ErrandAwaitingApproval current. */
export const SEARCH_ATTRIBUTES_PATCH = 'plan-search-attributes-upserted';

/**
 * Keeps the plan's moving search attributes as its state is, called at each transition:
 * an upsert only when one of them changed, so a plan's history gains a handful of commands,
 * not one per write. Starts from what the API set at the start (pending, no step, not waiting).
 */
export function createSearchAttributeSync(state: PlanState, actions: readonly { type: string }[]) {
  let shown: MovingAttributes = { status: 'pending', step_type: null, awaiting_approval: false };
  return (): void => {
    const now = movingAttributesOf(state, actions);
    const changes = attributeChanges(shown, now);
    if (changes.length === 0 || !patched(SEARCH_ATTRIBUTES_PATCH)) return;
    upsertSearchAttributes(changes);
    shown = now;
  };
}
