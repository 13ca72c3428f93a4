import { describe, expect, it } from 'vitest';
import { skipReason, type ConditionInput } from '../../src/plan/conditions';

const base: ConditionInput = {
  index: 1,
  condition: 'always',
  statuses: ['succeeded'],
  stoppedBy: null,
};

describe('skipReason', () => {
  it.each<[string, Partial<ConditionInput>, string | null]>([
    ['always runs', {}, null],
    ['always runs after a failure when the plan continues', { statuses: ['failed'] }, null],
    ['if_previous_success runs after a success', { condition: 'if_previous_success' }, null],
    [
      'if_previous_success skips after a failure',
      { condition: 'if_previous_success', statuses: ['failed'] },
      'condition if_previous_success: step 0 failed',
    ],
    [
      'if_previous_success skips after a skip',
      { condition: 'if_previous_success', statuses: ['skipped'] },
      'condition if_previous_success: step 0 skipped',
    ],
    [
      'if_previous_failed runs after a failure',
      { condition: 'if_previous_failed', statuses: ['failed'] },
      null,
    ],
    [
      'if_previous_failed skips after a success',
      { condition: 'if_previous_failed' },
      'condition if_previous_failed: step 0 succeeded',
    ],
    [
      'the chained step is the previous one',
      {
        index: 2,
        condition: 'if_previous_success',
        use_result_from: 0,
        statuses: ['succeeded', 'failed'],
      },
      null,
    ],
    [
      'a stopped plan skips ordinary steps',
      { stoppedBy: 0, statuses: ['failed'] },
      'plan stopped after step 0 failed',
    ],
    [
      'a stopped plan still runs a failure handler',
      { stoppedBy: 0, condition: 'if_previous_failed', statuses: ['failed'] },
      null,
    ],
  ])('%s', (_name, input, expected) => {
    expect(skipReason({ ...base, ...input })).toBe(expected);
  });
});
