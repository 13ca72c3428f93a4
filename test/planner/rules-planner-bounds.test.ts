import { describe, expect, it } from 'vitest';
import { CannotPlanError } from '../../src/planner/planner';
import { RULES_PLANNER_LIMITS, planWithRules } from '../../src/planner/rules-planner';
import { NOW, TIMEZONE } from './corpus';

const opts = { now: NOW, timezone: TIMEZONE };

function refusal(intent: string): CannotPlanError {
  try {
    planWithRules(intent, opts);
  } catch (err) {
    if (err instanceof CannotPlanError) return err;
    throw err;
  }
  throw new Error('expected the planner to refuse');
}

describe('the rules planner refuses, never crashes, when', () => {
  it('a campaign name is longer than a campaign may be', () => {
    const err = refusal(`start the ${'x'.repeat(250)} campaign`);
    expect(err.reason).toBe('invalid_parameters');
    expect(err.details).toContainEqual({
      path: 'actions[0].params.campaign',
      message: expect.stringMatching(/200/),
    });
  });

  it('an email subject is longer than a subject may be', () => {
    const err = refusal(`email bob@x.com with subject ${'y'.repeat(400)}`);
    expect(err.reason).toBe('invalid_parameters');
    expect(err.details).toContainEqual({
      path: 'actions[0].params.subject',
      message: expect.stringMatching(/300/),
    });
  });

  it('the sentence is 2,000 words', () => {
    const err = refusal('word '.repeat(2000));
    expect(err.reason).toBe('too_long');
    expect(err.message).toMatch(/9999 characters; the rules planner reads at most 2000/);
  });

  it('the sentence is more words than it reads', () => {
    const err = refusal('a '.repeat(RULES_PLANNER_LIMITS.words + 1));
    expect(err.reason).toBe('too_long');
    expect(err.message).toMatch(/201 words; the rules planner reads at most 200/);
  });

  it('the sentence is more clauses than it reads', () => {
    const err = refusal('text +14155550123 hi, '.repeat(RULES_PLANNER_LIMITS.clauses + 1));
    expect(err.reason).toBe('too_long');
    expect(err.message).toMatch(/21 clauses/);
  });
});

describe('the rules planner still reads', () => {
  it('a sentence of 20 clauses and 200 words', () => {
    const clause = 'text +14155550123 that I am running late by ten minutes, ';
    const intent = clause.repeat(RULES_PLANNER_LIMITS.clauses).trim();
    expect(intent.split(' ').length).toBeLessThanOrEqual(RULES_PLANNER_LIMITS.words);
    expect(planWithRules(intent, opts).actions).toHaveLength(RULES_PLANNER_LIMITS.clauses);
  });
});
