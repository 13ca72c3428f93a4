import { describe, expect, it } from 'vitest';
import { admissionNeed, retryAfterSeconds } from '../../src/limits/action-capacity';

const step = (approval: 'required' | 'none' = 'none') => ({ approval });
const limits = { actions_per_minute: 120, actions_per_hour: 2000 };

describe('admissionNeed', () => {
  it('reserves every step of a plan that runs straight through', () => {
    expect(admissionNeed({ actions: [step(), step(), step()] } as never, limits)).toBe(3);
  });

  it('reserves only the steps before the first that waits for approval', () => {
    expect(admissionNeed({ actions: [step(), step('required'), step()] } as never, limits)).toBe(1);
    expect(admissionNeed({ actions: [step('required'), step()] } as never, limits)).toBe(0);
  });

  it('reserves no more than the smaller window holds', () => {
    const five = { actions: Array.from({ length: 5 }, () => step()) } as never;
    expect(admissionNeed(five, { actions_per_minute: 2, actions_per_hour: 10 })).toBe(2);
    expect(admissionNeed(five, { actions_per_minute: 10, actions_per_hour: 3 })).toBe(3);
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    [1, 1],
    [999, 1],
    [1000, 1],
    [1001, 2],
    [59_500, 60],
    [0, 1],
  ])('%i ms → %i s', (ms, s) => {
    expect(retryAfterSeconds(ms)).toBe(s);
  });
});
