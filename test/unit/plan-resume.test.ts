import { describe, expect, it } from 'vitest';
import { latestResumeStep, resumedSteps } from '../../src/plan/plan-resume';

const steps = (...statuses: string[]) =>
  statuses.map((status, index) => ({
    index,
    status,
    output: status === 'succeeded' ? { n: index } : null,
    error: status === 'failed' ? { type: 'X', message: 'x' } : null,
    skip_reason: status === 'skipped' ? 'why' : null,
    started_at: 'a',
    completed_at: 'b',
  }));

describe('latestResumeStep', () => {
  it.each([
    [['succeeded', 'failed', 'skipped'], 1],
    [['failed', 'succeeded'], 0],
    [['succeeded', 'skipped', 'failed'], 2],
    [['succeeded', 'succeeded', 'skipped'], 2],
    [['skipped', 'skipped'], 0],
    [['succeeded', 'succeeded'], 2],
  ])('%j → %i', (statuses, expected) => {
    expect(latestResumeStep(steps(...statuses))).toBe(expected);
  });
});

describe('resumedSteps', () => {
  it('keeps the steps before the start with their outputs and makes the rest pending', () => {
    const resumed = resumedSteps(steps('succeeded', 'succeeded', 'failed', 'skipped'), 1);
    expect(resumed[0]).toMatchObject({ status: 'succeeded', output: { n: 0 } });
    for (const s of resumed.slice(1)) {
      expect(s).toMatchObject({
        status: 'pending',
        output: null,
        error: null,
        skip_reason: null,
        started_at: null,
        completed_at: null,
      });
    }
    expect(resumed.map((s) => s.index)).toEqual([0, 1, 2, 3]);
  });
});
