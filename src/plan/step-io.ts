import type { ActionParams, ActionType, ChainableOutput } from './action-types';

/** Identifies one step of one plan; the idempotency key of its side effect derives from it. */
export interface StepContext {
  tenant_id: string;
  plan_id: string;
  workflow_id: string;
  step: number;
  /** The plan's IANA time zone, for wall-clock times and rendered dates. */
  timezone: string;
  /** The user the plan is for: an email with nobody else to go to goes to that user's contact. */
  user_id?: string;
}

/** What a step activity receives: its params with chained values already filled in. */
export interface StepInput<T extends ActionType = ActionType> extends StepContext {
  params: ActionParams<T>;
  /** The output of the step named by `use_result_from`, for templates and offsets. */
  chained?: ChainableOutput;
}

/** A step's output: any JSON object; meeting-like steps carry the chainable fields. */
export type StepOutput = ChainableOutput & Record<string, unknown>;

/** One activity per allowlisted action type, named after it. */
export type StepActivities = {
  [T in ActionType]: (input: StepInput<T>) => Promise<StepOutput>;
};

/** The key that makes a step's side effect happen once, however often it is retried. */
export function idempotencyKey(ctx: Pick<StepContext, 'workflow_id' | 'step'>): string {
  return `${ctx.workflow_id}#${ctx.step}`;
}
