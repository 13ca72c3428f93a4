import type { ActionParams } from './action-types';
import type { PlanStep } from './validate-plan';

/** A trigger_automation step that waits for the automation to report back a result. */
export function awaitsResult(step: PlanStep): boolean {
  return (
    step.type === 'trigger_automation' &&
    (step.params as ActionParams<'trigger_automation'>).await_completion === true
  );
}
