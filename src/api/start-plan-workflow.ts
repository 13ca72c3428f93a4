import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { planSummary } from '../temporal/readable-summaries';
import { planStartAttributes } from '../temporal/plan-search-attributes';
import type { PlanWorkflowInput } from '../workflows/definitions';

export interface StartPlanConfig {
  temporal: Client;
  taskQueue: string;
  /** How long one start call may take before it counts as failed (its outcome then unknown). */
  startTimeoutMs: number;
}

/**
 * Starts a plan's workflow, idempotently: the API and the reconciler may both
 * try, and Temporal refuses a second start of the same workflow ID, running or
 * closed (REJECT_DUPLICATE), so a plan runs at most once. Resolves `started`
 * or `already_started`; any other failure leaves the outcome unknown.
 */
export async function startPlanWorkflow(
  config: StartPlanConfig,
  workflowId: string,
  input: PlanWorkflowInput,
): Promise<'started' | 'already_started'> {
  try {
    await config.temporal.withDeadline(Date.now() + config.startTimeoutMs, () =>
      config.temporal.workflow.start('planWorkflow', {
        taskQueue: config.taskQueue,
        workflowId,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: summaryOf(input),
        memo: { intent: input.plan.intent },
        typedSearchAttributes: planStartAttributes(input),
      }),
    );
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already_started';
    throw err;
  }
}

function summaryOf({ plan }: PlanWorkflowInput): string {
  return planSummary(
    plan.actions.map((a) => ({
      type: a.type,
      offset:
        'offset' in a.params && typeof a.params.offset === 'string' ? a.params.offset : undefined,
    })),
  );
}
