/**
 * What a user could run instead of Errand for the same three steps, as
 * baselines for bench:plans: a naive in-process loop doing the three Postgres
 * writes with no durability at all (the floor), and BullMQ on the machine's
 * Redis running them as a job flow (one job per step, each after the last).
 */
import { randomUUID } from 'node:crypto';
import { FlowProducer, Queue, QueueEvents, Worker, type FlowJob } from 'bullmq';
import { sql } from 'kysely';
import type { Db } from './bench-stack';

/** One write per step, as each of Errand's three steps makes one row of its own. */
async function writeStep(db: Db, plan: string, step: number): Promise<void> {
  await sql`insert into bench_steps (plan_id, step, done_at) values (${plan}, ${step}, now())`.execute(
    db,
  );
}

export async function createStepTable(db: Db): Promise<void> {
  await sql`create table if not exists bench_steps (
    plan_id text not null, step int not null, done_at timestamptz not null,
    primary key (plan_id, step))`.execute(db);
}

/** The floor: the three writes one after another, in this process. */
export function naiveLoop(db: Db, steps = 3) {
  return async (): Promise<void> => {
    const plan = randomUUID();
    for (let step = 0; step < steps; step++) await writeStep(db, plan, step);
  };
}

export interface BullFlow {
  run(): Promise<void>;
  close(): Promise<void>;
}

/**
 * BullMQ: a flow whose jobs run in order (a parent runs after its child), so
 * step 0 is the innermost child; timed until the outermost job completes.
 */
export async function bullmqFlow(db: Db, steps = 3, concurrency = 20): Promise<BullFlow> {
  const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
  const queueName = `bench-${randomUUID()}`;
  const worker = new Worker<{ plan: string; step: number }>(
    queueName,
    async (job: { data: { plan: string; step: number } }) =>
      writeStep(db, job.data.plan, job.data.step),
    { connection, concurrency },
  );
  const events = new QueueEvents(queueName, { connection });
  const flows = new FlowProducer({ connection });
  // Each add in flight listens for the producer closing; a burst adds hundreds at once.
  flows.setMaxListeners(0);
  await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
  return {
    async run() {
      const plan = randomUUID();
      let job: FlowJob | undefined;
      for (let step = 0; step < steps; step++) {
        job = {
          name: `step-${step}`,
          queueName,
          data: { plan, step },
          ...(job && { children: [job] }),
        };
      }
      const top = await flows.add(job!);
      await top.job.waitUntilFinished(events, 60_000);
    },
    async close() {
      await flows.close();
      await events.close();
      await worker.close();
      // Leave the machine's Redis as it was.
      const queue = new Queue(queueName, { connection });
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}
