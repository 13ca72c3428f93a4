import { CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { UndoActivities } from '../activities/undo-activities';
import { ACTIONS } from '../plan/action-types';
import type { StepContext } from '../plan/step-io';
import { UNDO_OPTIONS } from './activity-options';
import type { PlanState } from './definitions';
import { describeFailure, nowIso, type Recorder } from './plan-state';

const undo = proxyActivities<UndoActivities>(UNDO_OPTIONS);

/**
 * Undoes a plan's done steps in reverse order, even while the plan is being
 * cancelled. An undo that still fails after its retries is recorded as
 * undo_failed, never dropped; a step that cannot be undone is listed as such.
 */
export async function compensate(
  state: PlanState,
  ctx: (step: number) => StepContext,
  record: Recorder,
): Promise<void> {
  for (const s of [...state.steps].reverse()) {
    if (s.status !== 'succeeded') continue;
    const base = { step: s.index, type: s.type };
    if (!ACTIONS[s.type].undo) {
      state.compensation.push({ ...base, outcome: 'not_undoable', error: null, at: nowIso() });
      continue;
    }
    const error = await CancellationScope.nonCancellable(() =>
      undo.undo_step
        .executeWithOptions({ summary: `undo ${s.index + 1} ${s.type}` }, [
          { ...ctx(s.index), type: s.type, output: s.output ?? {} },
        ])
        .then(
          () => null,
          (err: unknown) => describeFailure(err),
        ),
    );
    if (!error) s.status = 'compensated';
    state.compensation.push({
      ...base,
      outcome: error ? 'undo_failed' : 'undone',
      error,
      at: nowIso(),
    });
    await record(
      error ? 'undo_failed' : 'step_compensated',
      s.index,
      error ? { ...error } : undefined,
    );
  }
}
