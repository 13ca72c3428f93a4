import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { approvalsWaiting, metricsRegistry, remindersPending } from './errand-metrics';
import { readSdkMetrics } from './sdk-metrics';

/** The longest the scrape-time counts may take; past it they keep their last values. */
const COUNT_TIMEOUT_MS = 2_000;

/**
 * One scrape: the counts that live in Postgres (approvals waiting, reminders pending) read now,
 * then Errand's registry and the Temporal SDK's own series. Postgres being down leaves the
 * gauges at their last values; the rest still answers.
 */
export async function scrapeMetrics(db: Kysely<Database>): Promise<string> {
  await Promise.race([
    refreshCounts(db).catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, COUNT_TIMEOUT_MS).unref()),
  ]);
  const [own, sdk] = await Promise.all([metricsRegistry.metrics(), readSdkMetrics()]);
  return sdk ? `${own}\n${sdk}` : own;
}

export const METRICS_CONTENT_TYPE = metricsRegistry.contentType;

async function refreshCounts(db: Kysely<Database>): Promise<void> {
  // Both by the (tenant_id, status) indexes; a tenant with none drops out of the series.
  const [approvals, reminders] = await Promise.all([
    db
      .selectFrom('action_plans')
      .select(['tenant_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('status', '=', 'awaiting_approval')
      .groupBy('tenant_id')
      .execute(),
    db
      .selectFrom('reminders')
      .select(['tenant_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('status', '=', 'pending')
      .groupBy('tenant_id')
      .execute(),
  ]);
  approvalsWaiting.reset();
  for (const row of approvals) approvalsWaiting.set({ tenant: row.tenant_id }, Number(row.n));
  remindersPending.reset();
  for (const row of reminders) remindersPending.set({ tenant: row.tenant_id }, Number(row.n));
}
