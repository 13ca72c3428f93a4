import {
  forgetActionsBefore,
  lockTenantActions,
  recordActionRun,
  stepRan,
} from '../db/action-ledger-repository';
import {
  capacityShortfall,
  LONGEST_WINDOW_MS,
  type RateLimitName,
} from '../limits/action-capacity';
import { DEFAULT_LIMITS } from '../tenants/tenant-limits';
import { findTenant } from '../tenants/tenants-repository';
import type { ActivityDeps } from './deps';

export interface CapacityRequest {
  tenant_id: string;
  workflow_id: string;
  step: number;
}

/** Counted: the step may run. Otherwise: ask again after `wait_ms`. */
export type CapacityAnswer =
  { ok: true } | { ok: false; wait_ms: number; limit: RateLimitName; max: number };

/**
 * Timers and the worker's clock need not agree to the millisecond; asking a
 * little late saves a second round trip for a window that was about to free.
 */
const WAKE_MARGIN_MS = 50;

/** Durable per-tenant action rates, asked before each plan step. */
export function createCapacityActivities(deps: Pick<ActivityDeps, 'db' | 'now'>) {
  return {
    /**
     * Counts the step against its tenant's per-minute and per-hour action
     * rates, or says how long until it fits. Idempotent by workflow and step:
     * a retry, or a step that already ran, is answered ok without counting
     * again. The tenant's current limits apply, so a raised limit frees a
     * waiting plan at its next question.
     */
    async reserve_step_capacity(input: CapacityRequest): Promise<CapacityAnswer> {
      const step = { workflow_id: input.workflow_id, step_index: input.step };
      return deps.db.transaction().execute(async (trx) => {
        await lockTenantActions(trx, input.tenant_id);
        if (await stepRan(trx, step)) return { ok: true };
        const tenant = await findTenant(trx, input.tenant_id);
        const limits = tenant?.settings.limits ?? DEFAULT_LIMITS;
        const now = deps.now();
        const short = await capacityShortfall(trx, {
          tenantId: input.tenant_id,
          limits,
          need: 1,
          now,
          exclude: step,
        });
        if (short) {
          return {
            ok: false,
            wait_ms: short.waitMs + WAKE_MARGIN_MS,
            limit: short.limit,
            max: short.max,
          };
        }
        await recordActionRun(trx, input.tenant_id, step, now);
        await forgetActionsBefore(
          trx,
          input.tenant_id,
          new Date(now.getTime() - 2 * LONGEST_WINDOW_MS),
        );
        return { ok: true };
      });
    },
  };
}

export type CapacityActivities = ReturnType<typeof createCapacityActivities>;
