/**
 * Growth: how Errand's cost grows with the size of a plan and with the number
 * of plans at once, next to bare Temporal on the same server in the same run.
 *
 * Steps: plans of 1, 3, 10 and 50 `send_sms` steps (each a Postgres write to
 * the outbox) next to bare workflows of as many no-op activities, N pairs
 * each, interleaved; the cost per extra step is the slope between the
 * smallest and largest. Concurrency: C three-step plans submitted at once
 * (refused submissions wait their Retry-After and try again) next to C bare
 * workflows at once; while Errand's burst runs, /healthz is asked every 500 ms
 * and its slowest answer kept.
 *
 *   npm run bench:growth [-- --count 20 --steps 1,3,10,50 --concurrency 100,1000,2000]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  machine,
  PLAN_BENCH_STACK,
  planResult,
  rate,
  ratio,
  round1,
  startBenchStack,
  submitPlan,
  summary,
  timed,
  writeResult,
} from './bench-stack';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '20' },
    steps: { type: 'string', default: '1,3,10,50' },
    concurrency: { type: 'string', default: '100,1000,2000' },
  },
});
const COUNT = Number(values.count);
const STEPS = values.steps.split(',').map(Number);
const CONCURRENCY = values.concurrency.split(',').map(Number);

async function main() {
  const stack = await startBenchStack(PLAN_BENCH_STACK);
  const { client, bareClient, bareQueue } = stack;
  let refusals = 0;
  let deferred = 0;
  let n = 0;
  const errandPlan = (steps: number) => async () => {
    const i = n++;
    const actions = Array.from({ length: steps }, (_, k) => ({
      type: 'send_sms',
      params: { to: ['+14155550123'], message: `plan ${i} step ${k}` },
    }));
    const submitted = await submitPlan(stack, { intent: `growth ${i}`, actions });
    refusals += submitted.refusals;
    if (submitted.deferred) deferred += 1;
    const state = await planResult(client, submitted.workflow_id);
    if (state.status !== 'completed') throw new Error(`plan ${i} ended ${state.status}`);
  };
  const barePlan = (steps: number) => async () => {
    await bareClient.workflow.execute('bareSteps', {
      taskQueue: bareQueue,
      workflowId: `bare-${randomUUID()}`,
      args: [steps],
    });
  };
  for (let i = 0; i < 5; i++) await Promise.all([errandPlan(3)(), barePlan(3)()]);

  const bySteps = [];
  for (const steps of STEPS) {
    const errandMs: number[] = [];
    const bareMs: number[] = [];
    for (let i = 0; i < COUNT; i++) {
      const pair = [
        () => timed(errandPlan(steps)).then((ms) => errandMs.push(ms)),
        () => timed(barePlan(steps)).then((ms) => bareMs.push(ms)),
      ];
      for (let k = 0; k < 2; k++) await pair[(i + k) % 2]!();
    }
    const errand = summary(errandMs);
    const bare = summary(bareMs);
    bySteps.push({
      steps,
      errand_ms: errand,
      bare_ms: bare,
      ratio_p50: ratio(errand.p50, bare.p50),
    });
    console.log(`${steps} steps: Errand p50 ${errand.p50} ms, bare ${bare.p50} ms`);
  }
  const first = bySteps[0]!;
  const last = bySteps[bySteps.length - 1]!;
  const span = last.steps - first.steps;
  const perStep = {
    errand_ms: round1((last.errand_ms.p50 - first.errand_ms.p50) / span),
    bare_ms: round1((last.bare_ms.p50 - first.bare_ms.p50) / span),
  };

  const byConcurrency = [];
  for (const c of CONCURRENCY) {
    refusals = 0;
    deferred = 0;
    let slowestHealth = 0;
    let bursting = true;
    const probe = (async () => {
      while (bursting) {
        slowestHealth = Math.max(
          slowestHealth,
          await timed(() => fetch(`${stack.base}/healthz`).then((r) => r.arrayBuffer())),
        );
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const errandRate = await rate(c, errandPlan(3));
    bursting = false;
    await probe;
    const bareRate = await rate(c, barePlan(3));
    byConcurrency.push({
      concurrent: c,
      errand_plans_per_second: round1(errandRate),
      bare_plans_per_second: round1(bareRate),
      ratio: ratio(errandRate, bareRate),
      submissions_refused_then_retried: refusals,
      accepted_with_start_deferred: deferred,
      slowest_healthz_ms: round1(slowestHealth),
    });
    console.log(
      `${c} at once: Errand ${round1(errandRate)} /s (${refusals} refusals retried, /healthz at worst ${round1(slowestHealth)} ms), bare ${round1(bareRate)} /s`,
    );
  }

  const result = {
    bench: 'growth',
    machine: machine(),
    at: new Date().toISOString(),
    count: COUNT,
    by_steps: bySteps,
    cost_per_extra_step_p50: perStep,
    by_concurrency: byConcurrency,
  };
  console.table(
    Object.fromEntries(
      bySteps.map((s) => [
        `${s.steps} steps`,
        { errand_p50: s.errand_ms.p50, bare_p50: s.bare_ms.p50, ratio: s.ratio_p50 },
      ]),
    ),
  );
  console.log(`per extra step (p50): Errand ${perStep.errand_ms} ms, bare ${perStep.bare_ms} ms`);
  console.table(Object.fromEntries(byConcurrency.map((c) => [`${c.concurrent} at once`, c])));
  writeResult('growth', result);
  await stack.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
