import { isDeepStrictEqual } from 'node:util';
import { CannotPlanError, type PlannerResult } from '../../src/planner/planner';
import type { CorpusCase, ExpectedStep } from './corpus';

/** The planner's outcome for one intent: a result or what it threw. */
export type Outcome = { result: PlannerResult } | { error: unknown };

/** Lists how an outcome differs from a corpus case; empty when it matches. */
export function mismatches(c: CorpusCase, outcome: Outcome): string[] {
  if ('error' in c.expect) {
    if ('result' in outcome)
      return [`expected ${c.expect.error}, got a plan: ${JSON.stringify(outcome.result.actions)}`];
    const e = outcome.error;
    if (!(e instanceof CannotPlanError)) return [`expected ${c.expect.error}, threw ${String(e)}`];
    return e.reason === c.expect.error
      ? []
      : [`expected ${c.expect.error}, got ${e.reason}: ${e.message}`];
  }
  if ('error' in outcome) return [`expected a plan, threw ${String(outcome.error)}`];
  const actual = outcome.result.actions;
  const problems: string[] = [];
  if (actual.length !== c.expect.length) {
    problems.push(
      `expected ${c.expect.length} steps, got ${actual.length}: ${actual.map((a) => a.type).join(', ')}`,
    );
  }
  c.expect.forEach((want: ExpectedStep, i) => {
    const got = actual[i];
    if (!got) return;
    const at = `step ${i}`;
    if (got.type !== want.type) problems.push(`${at}: type ${got.type}, expected ${want.type}`);
    for (const [key, value] of Object.entries(want.params ?? {})) {
      if (!isDeepStrictEqual(got.params[key], value)) {
        problems.push(
          `${at}: ${key} = ${JSON.stringify(got.params[key])}, expected ${JSON.stringify(value)}`,
        );
      }
    }
    for (const key of want.absent ?? []) {
      if (got.params[key] !== undefined)
        problems.push(`${at}: ${key} should be absent, is ${JSON.stringify(got.params[key])}`);
    }
    if (got.use_result_from !== want.use_result_from) {
      problems.push(
        `${at}: use_result_from ${got.use_result_from}, expected ${want.use_result_from}`,
      );
    }
    if (got.not_before !== want.not_before) {
      problems.push(`${at}: not_before ${got.not_before}, expected ${want.not_before}`);
    }
    const people = (outcome.result.people ?? [])
      .filter((p) => p.step === i)
      .map(({ step: _step, ...p }) => p);
    if (!isDeepStrictEqual(people, want.people ?? [])) {
      problems.push(
        `${at}: people ${JSON.stringify(people)}, expected ${JSON.stringify(want.people ?? [])}`,
      );
    }
    if ((got.condition ?? 'always') !== (want.condition ?? 'always')) {
      problems.push(`${at}: condition ${got.condition}, expected ${want.condition ?? 'always'}`);
    }
  });
  return problems;
}
