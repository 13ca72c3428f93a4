/**
 * How many intents the rules planner gets exactly right, on the main corpus
 * (the phrasings its rules were written against, plus their known gaps) and on
 * the held-out corpora (phrasings written before the rules they score were
 * changed, never tuned on; the second batch was written after the first was
 * scored). Prints both figures and every miss; not a pass/fail test.
 *
 *   npx tsx bench/planner-accuracy.ts [--quiet]
 */
import { planWithRules } from '../src/planner/rules-planner';
import { mismatches, type Outcome } from '../test/planner/check-case';
import { CORPUS, KNOWN_GAPS, NOW, TIMEZONE, type CorpusCase } from '../test/planner/corpus';
import { HELD_OUT } from '../test/planner/held-out-corpus';
import { HELD_OUT_2 } from '../test/planner/held-out-corpus-2';

function run(c: CorpusCase): Outcome {
  try {
    return {
      result: planWithRules(c.intent, { now: c.now ?? NOW, timezone: c.timezone ?? TIMEZONE }),
    };
  } catch (error) {
    return { error };
  }
}

/** Scores one corpus: how many cases match, and what went wrong in the others. */
export function score(cases: CorpusCase[]): { right: number; total: number; misses: string[] } {
  const misses: string[] = [];
  for (const c of cases) {
    const problems = mismatches(c, run(c));
    if (problems.length > 0) misses.push(`${c.intent} → ${problems.join('; ')}`);
  }
  return { right: cases.length - misses.length, total: cases.length, misses };
}

const quiet = process.argv.includes('--quiet');
const line = (name: string, s: ReturnType<typeof score>) =>
  `${name}: ${s.right}/${s.total} (${((100 * s.right) / s.total).toFixed(1)}%)`;

const main = score([...CORPUS, ...KNOWN_GAPS]);
const heldOut = score(HELD_OUT);
const heldOut2 = score(HELD_OUT_2);
console.log(line('main corpus (with known gaps)', main));
console.log(line('held-out corpus', heldOut));
console.log(line('second held-out batch', heldOut2));
if (!quiet) {
  for (const [name, s] of [
    ['main', main],
    ['held-out', heldOut],
    ['second held-out', heldOut2],
  ] as const) {
    if (s.misses.length > 0) console.log(`\n${name} misses:\n  ${s.misses.join('\n  ')}`);
  }
}
