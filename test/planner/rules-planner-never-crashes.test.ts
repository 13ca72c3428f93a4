import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/plan/validate-plan';
import { STAND_IN_ADDRESS, withAddresses } from '../../src/planner/people';
import { CannotPlanError } from '../../src/planner/planner';
import { planWithRules } from '../../src/planner/rules-planner';
import { NOW, TIMEZONE } from './corpus';
import { anySentence } from './any-sentence';

describe('the rules planner, on any sentence', () => {
  it('returns a plan that validates or refuses with CannotPlanError, never anything else', () => {
    fc.assert(
      fc.property(anySentence, (text) => {
        try {
          const result = planWithRules(text, { now: NOW, timezone: TIMEZONE });
          // People named without an address validate once the contacts give one.
          const actions = withAddresses(
            result.actions,
            result.people ?? [],
            (p) => STAND_IN_ADDRESS[p.kind],
          );
          const check = validatePlan({ intent: 'x', timezone: TIMEZONE, actions });
          expect(check.ok ? [] : check.errors).toEqual([]);
        } catch (err) {
          if (!(err instanceof CannotPlanError)) throw err;
        }
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });
});
