/**
 * Reminder lateness: how long after its due time a reminder reaches the outbox.
 *
 * Errand: N plans through the API, each scheduling a reminder at its own due
 * time; lateness is the reminder's fired_at (and its outbox row's created_at)
 * minus its fire_at. Baseline, in the same run on the same server: N bare
 * Temporal workflows sleeping to the same instants, then one activity that
 * measures its own lateness. Both sets wait at once, interleaved.
 *
 * Then the burst: B reminders (default 10,000; 50 to a plan) all due in the
 * same second, with the process's memory read while they are pending, and the
 * time until the last is delivered; next to B bare timers due in one second
 * after that. Lead times come from the pace measured while submitting.
 *
 *   npm run bench:reminders [-- --count 200 --burst 10000]
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import {
  machine,
  planResult,
  ratio,
  startBenchStack,
  submitPlan,
  summary,
  writeResult,
  type BenchStack,
  type Db,
} from './bench-stack';

const count = Number(process.argv[process.argv.indexOf('--count') + 1]) || 200;
const burstAt = process.argv.indexOf('--burst');
const BURST = burstAt > 0 ? Number(process.argv[burstAt + 1]) : 10_000;

async function main() {
  const stack = await startBenchStack({
    bare: {
      activities: { lateness: async (fireAt: string) => Date.now() - Date.parse(fireAt) },
      workflows: './bare-timer-workflow.ts',
    },
    dbConnections: 10,
  });
  const { db, bareClient, bareQueue } = stack;

  const submitReminder = async (i: number, at: string) => {
    await submitPlan(stack, {
      intent: `bench ${i}`,
      actions: [{ type: 'schedule_reminder', params: { at, message: `reminder ${i}` } }],
    });
  };
  // The lead time comes from this machine's own pace: a warm-up of submissions (each an
  // Errand plan and a bare workflow, as below) due long after the run, so they never fire in it.
  const warmup = Math.min(20, count);
  const warmStart = performance.now();
  for (let i = 0; i < warmup; i++) {
    const far = new Date(Date.now() + 24 * 3600_000).toISOString();
    await submitReminder(-1 - i, far);
    await bareClient.workflow.start('bareTimer', {
      taskQueue: bareQueue,
      workflowId: `bare-warmup-${randomUUID()}`,
      args: [far],
    });
  }
  const perPairMs = (performance.now() - warmStart) / warmup;
  // Due times spread over 20 s, starting once every plan has had time to be submitted (twice the
  // measured pace, for a machine that slows down meanwhile).
  const t0 = Date.now() + 5_000 + Math.ceil(count * perPairMs * 2);
  console.log(
    `submitting ${count} plans at ${perPairMs.toFixed(1)} ms each (measured); first due in ${((t0 - Date.now()) / 1000).toFixed(1)} s`,
  );
  const due = Array.from({ length: count }, (_, i) =>
    new Date(t0 + Math.round((i * 20_000) / count)).toISOString(),
  );
  const bareHandles = [];
  for (const [i, at] of due.entries()) {
    await submitReminder(i, at);
    bareHandles.push(
      await bareClient.workflow.start('bareTimer', {
        taskQueue: bareQueue,
        workflowId: `bare-${randomUUID()}`,
        args: [at],
      }),
    );
  }
  if (Date.now() > t0) {
    throw new Error(
      `submissions outlasted the first due time even at twice the measured pace (${perPairMs.toFixed(1)} ms each): the machine slowed down during the run`,
    );
  }

  const bare = await Promise.all(bareHandles.map((h) => h.result() as Promise<number>));
  const rows = await waitForAllFired(db, count);
  const fired = rows.map((r) => r.fired_at!.getTime() - r.fire_at.getTime());
  const visible = rows.map((r) => r.outbox_created_at!.getTime() - r.fire_at.getTime());

  const result = {
    bench: 'reminder-lateness',
    machine: machine(),
    at: new Date().toISOString(),
    count,
    errand_fired_ms: summary(fired),
    errand_in_outbox_ms: summary(visible),
    bare_temporal_ms: summary(bare),
    ratio_p50: ratio(summary(fired).p50, summary(bare).p50),
    ratio_p99: ratio(summary(fired).p99, summary(bare).p99),
    burst: null as Awaited<ReturnType<typeof measureBurst>> | null,
  };
  console.table({
    'Errand reminder (delivery starts)': result.errand_fired_ms,
    'Errand reminder (row in outbox)': result.errand_in_outbox_ms,
    'bare Temporal timer + activity': result.bare_temporal_ms,
  });
  console.log(`Errand ÷ bare Temporal: p50 ${result.ratio_p50}, p99 ${result.ratio_p99}`);
  if (BURST > 0) {
    result.burst = await measureBurst(stack, BURST);
    console.table({ [`${BURST} due in one second`]: result.burst });
  }
  writeResult('reminder-lateness', result);
  await stack.close();
}

async function waitForAllFired(db: Db, n: number) {
  for (;;) {
    const rows = await db
      .selectFrom('reminders')
      .innerJoin('outbox', 'outbox.id', 'reminders.outbox_id')
      .select(['reminders.fire_at', 'reminders.fired_at', 'outbox.created_at as outbox_created_at'])
      .where('reminders.status', '=', 'fired')
      .execute();
    if (rows.length >= n) return rows;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * B reminders due in the same second, 50 to a plan, submitted 10 plans at a
 * time; the process's RSS read once all are pending; then how long after the
 * due second the last one fires. Then B bare timers due in one second.
 */
async function measureBurst(stack: BenchStack, b: number) {
  const perPlan = 50;
  const plans = Math.ceil(b / perPlan);
  const submitAll = async (at: string) => {
    let next = 0;
    const lane = async () => {
      for (let p = next++; p < plans; p = next++) {
        const size = Math.min(perPlan, b - p * perPlan);
        const actions = Array.from({ length: size }, (_, k) => ({
          type: 'schedule_reminder',
          params: { at, message: `burst ${p}.${k}` },
        }));
        // Its reminders exist once the plan has run its steps.
        const { workflow_id } = await submitPlan(stack, { intent: `burst ${p}`, actions });
        await planResult(stack.client, workflow_id);
      }
    };
    await Promise.all(Array.from({ length: 10 }, lane));
  };
  // The pace from a first batch of ten plans run to their end, due long after the run so
  // they never fire in it: the lanes below run ten at a time too.
  const probe = Math.min(plans, 10);
  const probeStart = performance.now();
  await Promise.all(
    Array.from({ length: probe }, async (_, p) => {
      const { workflow_id } = await submitPlan(stack, {
        intent: `burst probe ${p}`,
        actions: Array.from({ length: perPlan }, () => ({
          type: 'schedule_reminder',
          params: { at: new Date(Date.now() + 24 * 3600_000).toISOString(), message: 'probe' },
        })),
      });
      await planResult(stack.client, workflow_id);
    }),
  );
  const perPlanMs = (performance.now() - probeStart) / probe;
  const due = new Date(Date.now() + 15_000 + Math.ceil(plans * perPlanMs * 1.4));
  due.setUTCMilliseconds(0);
  console.log(
    `burst: submitting ${b} reminders in ${plans} plans at ${perPlanMs.toFixed(0)} ms a plan (measured); due at ${due.toISOString()}`,
  );
  const rssBefore = process.memoryUsage().rss;
  await submitAll(due.toISOString());
  const pending = await stack.db
    .selectFrom('reminders')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'scheduled')
    .where('fire_at', '=', due)
    .executeTakeFirstOrThrow();
  const rssPending = process.memoryUsage().rss;
  if (Date.now() > due.getTime()) {
    throw new Error('burst submissions outlasted the due time even at 1.4 times the measured pace');
  }
  let lastFired = 0;
  for (;;) {
    const row = await stack.db
      .selectFrom('reminders')
      .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.max('fired_at').as('last')])
      .where('status', '=', 'fired')
      .where('fire_at', '=', due)
      .executeTakeFirstOrThrow();
    if (Number(row.n) >= b) {
      lastFired = new Date(row.last as Date).getTime() - due.getTime();
      break;
    }
    if (Date.now() - due.getTime() > 15 * 60_000) {
      lastFired = Number.NaN;
      console.log(`burst: only ${row.n} of ${b} fired within 15 minutes`);
      break;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }

  const bareDue = new Date(Date.now() + 10_000 + Math.ceil(b * 2));
  bareDue.setUTCMilliseconds(0);
  const handles: WorkflowHandle[] = [];
  let started = 0;
  const lane = async () => {
    while (started < b) {
      started++;
      handles.push(
        await stack.bareClient.workflow.start('bareTimer', {
          taskQueue: stack.bareQueue,
          workflowId: `bare-burst-${randomUUID()}`,
          args: [bareDue.toISOString()],
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: 20 }, lane));
  const bareLate = await Promise.all(handles.map((h) => h.result() as Promise<number>));
  return {
    reminders: b,
    pending_counted: Number(pending.n),
    process_rss_mb_before: Math.round(rssBefore / 2 ** 20),
    process_rss_mb_pending: Math.round(rssPending / 2 ** 20),
    errand_last_fired_after_due_ms: lastFired,
    bare_last_done_after_due_ms: Math.max(...bareLate),
    ratio_last: ratio(lastFired, Math.max(...bareLate)),
  };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
