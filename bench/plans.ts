/**
 * Plans: how long a three-step plan takes, and how many finish a second, next
 * to bare Temporal on the same server in the same run.
 *
 * Errand: `POST /v1/plans` of book_meeting, send_email (chained to it) and
 * send_sms, timed until the workflow's result. Baseline: a bare workflow of
 * three no-op activities on its own task queue of the same dev server (the
 * fast flags of the README), started and awaited by the same client. Latency:
 * N pairs one after another, Errand and bare interleaved. Accepting: N one-step
 * `POST /v1/plans` until 201 next to N bare `workflow.start`s, interleaved.
 * Throughput: C of each at once, in turn, twice. Beside them, in the same run:
 * a naive in-process loop of the same three Postgres writes with no
 * durability (the floor), and BullMQ on the machine's Redis running the three
 * writes as a job flow (see bench/alternatives.ts).
 *
 *   npm run bench:plans [-- --count 100 --concurrent 300]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { bullmqFlow, createStepTable, naiveLoop } from './alternatives';
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
    count: { type: 'string', default: '100' },
    concurrent: { type: 'string', default: '300' },
  },
});
const COUNT = Number(values.count);
const CONCURRENT = Number(values.concurrent);

async function main() {
  const stack = await startBenchStack(PLAN_BENCH_STACK);
  const { client, bareClient, bareQueue, db } = stack;
  await createStepTable(db);
  const naive = naiveLoop(db);
  const bull = await bullmqFlow(db);

  let slot = 0;
  const errandPlan = async (): Promise<void> => {
    const n = slot++;
    // One hour-long slot each, so no booking clashes with another.
    const start = new Date(Date.UTC(2040, 0, 1) + n * 3_600_000).toISOString();
    const { workflow_id } = await submitPlan(stack, {
      intent: `bench ${n}`,
      actions: [
        {
          type: 'book_meeting',
          params: { title: `Bench ${n}`, time: start, attendees: [`b${n}@example.com`] },
        },
        { type: 'send_email', use_result_from: 0, params: {} },
        { type: 'send_sms', params: { to: ['+14155550123'], message: `plan ${n}` } },
      ],
    });
    const state = await planResult(client, workflow_id);
    if (state.status !== 'completed') throw new Error(`plan ${n} ended ${state.status}`);
  };
  const barePlan = async (): Promise<void> => {
    await bareClient.workflow.execute('barePlan', {
      taskQueue: bareQueue,
      workflowId: `bare-${randomUUID()}`,
    });
  };
  // Warm both workers' caches and connections first.
  for (let i = 0; i < 5; i++) await Promise.all([errandPlan(), barePlan()]);

  for (let i = 0; i < 5; i++) await Promise.all([naive(), bull.run()]);

  const errandMs: number[] = [];
  const bareMs: number[] = [];
  const naiveMs: number[] = [];
  const bullMs: number[] = [];
  for (let i = 0; i < COUNT; i++) {
    // Rotate which goes first, so none always meets a quieter machine.
    const order = [
      () => timed(errandPlan).then((ms) => errandMs.push(ms)),
      () => timed(barePlan).then((ms) => bareMs.push(ms)),
      () => timed(naive).then((ms) => naiveMs.push(ms)),
      () => timed(bull.run).then((ms) => bullMs.push(ms)),
    ];
    for (let k = 0; k < order.length; k++) await order[(i + k) % order.length]!();
  }

  // Accepting: a one-step plan's POST until its 201, next to a bare workflow.start (no wait).
  const acceptErrand = async (): Promise<void> => {
    const n = slot++;
    await submitPlan(stack, {
      intent: `accept ${n}`,
      actions: [{ type: 'send_sms', params: { to: ['+14155550123'], message: `plan ${n}` } }],
    });
  };
  const acceptBare = async (): Promise<void> => {
    await bareClient.workflow.start('barePlan', {
      taskQueue: bareQueue,
      workflowId: `bare-${randomUUID()}`,
    });
  };
  const acceptErrandMs: number[] = [];
  const acceptBareMs: number[] = [];
  for (let i = 0; i < COUNT; i++) {
    if (i % 2 === 0) {
      acceptErrandMs.push(await timed(acceptErrand));
      acceptBareMs.push(await timed(acceptBare));
    } else {
      acceptBareMs.push(await timed(acceptBare));
      acceptErrandMs.push(await timed(acceptErrand));
    }
  }

  const burst = (run: () => Promise<unknown>) => rate(CONCURRENT, run);
  const errandRate: number[] = [];
  const bareRate: number[] = [];
  const naiveRate: number[] = [];
  const bullRate: number[] = [];
  for (let round = 0; round < 2; round++) {
    errandRate.push(await burst(errandPlan));
    bareRate.push(await burst(barePlan));
    naiveRate.push(await burst(naive));
    bullRate.push(await burst(bull.run));
  }

  const errand = summary(errandMs);
  const bare = summary(bareMs);
  const result = {
    bench: 'plans',
    machine: machine(),
    at: new Date().toISOString(),
    count: COUNT,
    concurrent: CONCURRENT,
    errand_ms: errand,
    bare_temporal_ms: bare,
    ratio_p50: ratio(errand.p50, bare.p50),
    ratio_p99: ratio(errand.p99, bare.p99),
    naive_loop_ms: summary(naiveMs),
    bullmq_flow_ms: summary(bullMs),
    ratio_p50_to_naive: ratio(errand.p50, summary(naiveMs).p50),
    ratio_p50_to_bullmq: ratio(errand.p50, summary(bullMs).p50),
    accept_errand_ms: summary(acceptErrandMs),
    accept_bare_start_ms: summary(acceptBareMs),
    accept_ratio_p50: ratio(summary(acceptErrandMs).p50, summary(acceptBareMs).p50),
    errand_plans_per_second: errandRate.map(round1),
    bare_plans_per_second: bareRate.map(round1),
    throughput_ratio: ratio(Math.max(...errandRate), Math.max(...bareRate)),
    naive_plans_per_second: naiveRate.map(round1),
    bullmq_plans_per_second: bullRate.map(round1),
  };
  console.table({
    'Errand three-step plan': errand,
    'bare Temporal, three no-op activities': bare,
    'naive loop, three Postgres writes': result.naive_loop_ms,
    'BullMQ flow, three jobs writing': result.bullmq_flow_ms,
    'Errand POST /v1/plans until 201 (one step)': result.accept_errand_ms,
    'bare workflow.start': result.accept_bare_start_ms,
  });
  console.log(
    `Errand ÷ bare: p50 ${result.ratio_p50}×, p99 ${result.ratio_p99}×; ` +
      `${CONCURRENT} at once: Errand ${result.errand_plans_per_second.join(', ')} /s, ` +
      `bare ${result.bare_plans_per_second.join(', ')} /s (best ÷ best ${result.throughput_ratio}×); ` +
      `accepting p50 ${result.accept_ratio_p50}× a bare start; ` +
      `naive ${result.naive_plans_per_second.join(', ')} /s, BullMQ ${result.bullmq_plans_per_second.join(', ')} /s`,
  );
  writeResult('plans', result);

  await bull.close();
  await stack.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
