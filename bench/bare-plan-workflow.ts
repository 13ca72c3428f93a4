import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(step: number): Promise<number> }>({
  startToCloseTimeout: '10s',
});

/** The baseline: Temporal doing nothing durable, three activities in a row. */
export async function barePlan(): Promise<number> {
  let done = 0;
  for (let step = 0; step < 3; step++) done += await noop(step);
  return done;
}

/** The same with `steps` activities, for the growth curve. */
export async function bareSteps(steps: number): Promise<number> {
  let done = 0;
  for (let step = 0; step < steps; step++) done += await noop(step);
  return done;
}
