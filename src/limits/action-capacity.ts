import type { Kysely } from 'kysely';
import { countActions, nthActionAt, type LedgerStep } from '../db/action-ledger-repository';
import type { Database } from '../db/database';
import type { Plan } from '../plan/validate-plan';
import type { TenantLimits } from '../tenants/tenant-limits';

/** The sliding windows a tenant's actions are counted in, each with the limit that bounds it. */
export const RATE_WINDOWS = [
  { limit: 'actions_per_minute', ms: 60_000 },
  { limit: 'actions_per_hour', ms: 3_600_000 },
] as const satisfies readonly { limit: keyof TenantLimits; ms: number }[];

/** The longest window: ledger rows older than this count nowhere. */
export const LONGEST_WINDOW_MS = 3_600_000;

export type RateLimitName = (typeof RATE_WINDOWS)[number]['limit'];

/** Why `need` more actions do not fit now, and how long until they do. */
export interface Shortfall {
  limit: RateLimitName;
  max: number;
  /** Actions counted in the window now (run or reserved). */
  counted: number;
  /** Until enough counted actions leave the window; at least 1. */
  waitMs: number;
}

export interface CapacityQuestion {
  tenantId: string;
  limits: Pick<TenantLimits, RateLimitName>;
  need: number;
  now: Date;
  /** A step whose own reserved place is not counted against it. */
  exclude?: LedgerStep;
}

/**
 * Whether `need` more actions fit in every window of the tenant's ledger now;
 * when not, the window that waits longest. Counts are only as good as the
 * moment: call it under lockTenantActions, in the transaction that then
 * writes the reservation.
 */
export async function capacityShortfall(
  db: Kysely<Database>,
  q: CapacityQuestion,
): Promise<Shortfall | null> {
  let worst: Shortfall | null = null;
  for (const window of RATE_WINDOWS) {
    const max = q.limits[window.limit];
    const w = {
      tenantId: q.tenantId,
      since: new Date(q.now.getTime() - window.ms),
      exclude: q.exclude,
    };
    const counted = await countActions(db, w);
    const excess = counted + q.need - max;
    if (excess <= 0) continue;
    // The excess-th oldest action leaving the window frees just enough places. Callers ask
    // for no more than a window holds, so that action exists; the whole window is a safe bound.
    const freedBy = excess <= counted ? await nthActionAt(db, w, excess - 1) : undefined;
    const waitMs = freedBy
      ? Math.max(1, freedBy.getTime() + window.ms - q.now.getTime())
      : window.ms;
    if (!worst || waitMs > worst.waitMs) worst = { limit: window.limit, max, counted, waitMs };
  }
  return worst;
}

/**
 * How many of a plan's steps are reserved when it is submitted: those that
 * run at once (up to its first step that waits for approval), and no more
 * than a window holds, so a plan longer than the per-minute rate is admitted
 * into an empty window and its later steps wait as they come.
 */
export function admissionNeed(
  plan: Pick<Plan, 'actions'>,
  limits: Pick<TenantLimits, RateLimitName>,
) {
  const gate = plan.actions.findIndex((a) => a.approval === 'required');
  const runsAtOnce = gate === -1 ? plan.actions.length : gate;
  return Math.min(runsAtOnce, limits.actions_per_minute, limits.actions_per_hour);
}

/** A wait as a Retry-After value: whole seconds, rounded up, at least 1. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
