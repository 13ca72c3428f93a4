import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/plan/validate-plan';
import { CannotPlanError } from '../../src/planner/planner';
import { planWithRules } from '../../src/planner/rules-planner';
import { NOW, TIMEZONE } from './corpus';

const WORDS = [
  'book',
  'a',
  'call',
  'with',
  'bob@x.com',
  'tomorrow',
  'at',
  '3pm',
  'and',
  'email',
  'him',
  'the',
  'link',
  'remind',
  'me',
  'an',
  'hour',
  'before',
  'text',
  '+14155550123',
  'that',
  'start',
  'campaign',
  'spring',
  'cancel',
  'meeting',
  'move',
  'to',
  '4pm',
  'on',
  'Monday',
  'in',
  '9999',
  'years',
  'year',
  '0001',
  'subject',
  'titled',
  'for',
  '1440',
  'minutes',
  'find',
  'free',
  'slot',
  'then',
  'if',
  'it',
  'fails',
  ',',
  '.',
  'trigger',
  'automation',
  'crm-sync',
  'call',
  'every',
  'day',
  'next',
  'week',
  'between',
  '2',
  '5pm',
  '"',
  'noon',
];

describe('the rules planner, on any sentence', () => {
  it('returns a plan that validates or refuses with CannotPlanError, never anything else', () => {
    const sentence = fc.oneof(
      fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 60 }).map((w) => w.join(' ')),
      fc.string({ maxLength: 300 }),
      fc
        .tuple(
          fc.constantFrom(
            'start the {} campaign',
            'email bob@x.com with subject {}',
            'book a call with bob@x.com tomorrow at 3pm titled {}',
          ),
          fc.integer({ min: 150, max: 600 }),
        )
        .map(([shape, n]) => shape.replace('{}', 'x'.repeat(n))),
    );
    fc.assert(
      fc.property(sentence, (text) => {
        try {
          const result = planWithRules(text, { now: NOW, timezone: TIMEZONE });
          const check = validatePlan({ intent: 'x', timezone: TIMEZONE, actions: result.actions });
          expect(check.ok ? [] : check.errors).toEqual([]);
        } catch (err) {
          if (!(err instanceof CannotPlanError)) throw err;
        }
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });
});
