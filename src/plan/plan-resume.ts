/** What a retry needs to know of a step as the previous attempt left it. */
export interface EndedStep {
  index: number;
  status: string;
}

/**
 * The latest step a retry may start from: the first step that failed, else
 * the first that did not succeed (a cancelled or expired plan's next step).
 * Everything before it succeeded or was skipped by its condition, so its
 * outputs can be reused.
 *
 * @example latestResumeStep([{ index: 0, status: 'succeeded' }, { index: 1, status: 'failed' }]) // 1
 */
export function latestResumeStep(steps: readonly EndedStep[]): number {
  const failed = steps.findIndex((s) => s.status === 'failed');
  if (failed !== -1) return failed;
  const unfinished = steps.findIndex((s) => s.status !== 'succeeded');
  return unfinished === -1 ? steps.length : unfinished;
}

/**
 * The steps as a retry from `from` starts: those before it as they ended
 * (with their outputs, for chaining), the others pending again.
 */
export function resumedSteps<S extends EndedStep>(steps: readonly S[], from: number): S[] {
  return steps.map((s) =>
    s.index < from
      ? s
      : {
          ...s,
          status: 'pending',
          output: null,
          error: null,
          skip_reason: null,
          started_at: null,
          completed_at: null,
        },
  );
}
