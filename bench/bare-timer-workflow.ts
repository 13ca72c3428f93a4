import { proxyActivities, sleep } from '@temporalio/workflow';

const { lateness } = proxyActivities<{ lateness(fireAt: string): Promise<number> }>({
  startToCloseTimeout: '10s',
});

/** The baseline: a plain Temporal timer to the same instant, then one activity. */
export async function bareTimer(fireAt: string): Promise<number> {
  await sleep(Math.max(1, Date.parse(fireAt) - Date.now()));
  return lateness(fireAt);
}
