import type { ScheduleDescription } from '@temporalio/client';
import type { ScheduleRow, ScheduleRunRow } from '../db/database';

/** A schedule as the API shows it in lists: what its row holds. */
export function scheduleView(row: ScheduleRow) {
  return {
    schedule_id: row.id,
    kind: row.plan ? 'plan' : 'intent',
    ...(row.plan ? { plan: row.plan } : { intent: row.intent }),
    schedule: row.schedule,
    timing: row.timing,
    timezone: row.timezone,
    start_at: row.start_at?.toISOString() ?? null,
    end_at: row.end_at?.toISOString() ?? null,
    overlap: row.overlap,
    status: row.status,
    created_at: row.created_at.toISOString(),
  };
}

/** How many of a schedule's latest runs GET /v1/schedules/:id shows. */
export const RECENT_RUNS = 10;

/** One schedule in full: its row, what Temporal says of it now, and its latest runs' plans. */
export function scheduleDetailView(
  row: ScheduleRow,
  description: ScheduleDescription | undefined,
  runs: ScheduleRunRow[],
  webUi: { schedule: string; run: (workflowId: string) => string },
) {
  return {
    ...scheduleView(row),
    // Temporal holds whether it is paused; the row's status can lag behind a failed write.
    status: description ? (description.state.paused ? 'paused' : 'active') : row.status,
    next_run_times: description?.info.nextActionTimes.map((t) => t.toISOString()) ?? [],
    runs_started: description?.info.numActionsTaken ?? 0,
    runs_skipped_for_overlap: description?.info.numActionsSkippedOverlap ?? 0,
    recent_runs: runs.map((run) => ({
      workflow_id: run.run_key,
      plan_id: run.plan_id,
      outcome: run.outcome,
      error: run.error,
      created_at: run.created_at.toISOString(),
      links: { web_ui: webUi.run(run.run_key) },
    })),
    links: { self: `/v1/schedules/${row.id}`, web_ui: webUi.schedule },
  };
}
