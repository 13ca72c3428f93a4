import { afterAll, describe, expect, it } from 'vitest';
import { STAND_IN_ADDRESS, withAddresses } from '../../src/planner/people';
import { validatePlan } from '../../src/plan/validate-plan';
import { CannotPlanError } from '../../src/planner/planner';
import { createRulesPlanner } from '../../src/planner/rules-planner';
import { mismatches, type Outcome } from './check-case';
import { CORPUS, KNOWN_GAPS, NOW, TIMEZONE, type CorpusCase } from './corpus';

const planner = createRulesPlanner();

async function run(c: CorpusCase): Promise<Outcome> {
  try {
    const options = { now: c.now ?? NOW, timezone: c.timezone ?? TIMEZONE };
    return { result: await planner.plan(c.intent, options) };
  } catch (error) {
    return { error };
  }
}

const tally = { right: 0, total: 0, gapsRight: 0, wrong: [] as string[] };

afterAll(() => {
  const total = tally.total + KNOWN_GAPS.length;
  const right = tally.right + tally.gapsRight;
  console.log(
    `rules planner accuracy: ${right}/${total} (${((100 * right) / total).toFixed(1)}%) — ` +
      `corpus ${tally.right}/${tally.total}, known gaps ${tally.gapsRight}/${KNOWN_GAPS.length}`,
  );
  if (tally.wrong.length > 0) console.log(`still wrong:\n  ${tally.wrong.join('\n  ')}`);
});

describe('rules planner corpus', () => {
  for (const c of CORPUS) {
    it(`${c.intent}${c.timezone ? ` (${c.timezone})` : ''}`, async () => {
      const outcome = await run(c);
      const problems = mismatches(c, outcome);
      tally.total += 1;
      if (problems.length === 0) tally.right += 1;
      expect(problems).toEqual([]);
      if ('result' in outcome) {
        const { result } = outcome;
        expect(result.planner).toBe('rules');
        expect(result.confidence).toBeGreaterThan(0);
        expect(result.confidence).toBeLessThanOrEqual(1);
        const check = validatePlan({
          intent: c.intent,
          timezone: c.timezone ?? TIMEZONE,
          actions: withAddresses(
            result.actions,
            result.people ?? [],
            (p) => STAND_IN_ADDRESS[p.kind],
          ),
        });
        expect(check.ok).toBe(true);
      }
    });
  }

  it('reports the known gaps without failing on them', async () => {
    for (const c of KNOWN_GAPS) {
      const problems = mismatches(c, await run(c));
      if (problems.length === 0) tally.gapsRight += 1;
      else tally.wrong.push(`${c.intent} → ${problems.join('; ')}`);
    }
    expect(KNOWN_GAPS.length).toBeGreaterThanOrEqual(0);
  });
});

describe('rules planner', () => {
  const opts = { now: NOW, timezone: TIMEZONE };

  it('is less confident about a vague sentence than a precise one', async () => {
    const precise = await planner.plan(
      'Book a 45 minute demo titled "Kickoff" with ana@x.com on Dec 3 at 11am',
      opts,
    );
    const vague = await planner.plan(
      'hmm maybe set up something like a call with ana@x.com at 3 for the thing we talked about whatever',
      opts,
    );
    expect(vague.confidence).toBeLessThan(precise.confidence);
    expect(vague.warnings.length).toBeGreaterThan(precise.warnings.length);
  });

  it('warns about each default it chose', async () => {
    const r = await planner.plan('book a call with bob@x.com tomorrow at 2pm', opts);
    expect(r.warnings.some((w) => w.includes('title'))).toBe(true);
    expect(r.warnings.some((w) => w.includes('30 minutes'))).toBe(true);
    expect(r.reasoning).toContain('book');
  });

  it('throws CannotPlanError with a reason and message', async () => {
    const error = await planner.plan('delete all my files', opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CannotPlanError);
    expect((error as CannotPlanError).reason).toBe('outside_allowlist');
    expect((error as CannotPlanError).message).toMatch(/files/);
  });

  it('is deterministic', async () => {
    const intent = 'book a call with bob@x.com tomorrow at 2pm and remind me 1 hour before';
    expect(await planner.plan(intent, opts)).toEqual(await planner.plan(intent, opts));
  });
});
