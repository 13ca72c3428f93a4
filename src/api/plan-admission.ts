import { sql, type Kysely, type Transaction } from 'kysely';
import { lockTenantActions, reserveActions } from '../db/action-ledger-repository';
import type { Database, NewPlanRow, PlanRow } from '../db/database';
import { insertPlan } from '../db/plans-repository';
import {
  admissionNeed,
  capacityShortfall,
  retryAfterSeconds,
  type Shortfall,
} from '../limits/action-capacity';
import type { Plan } from '../plan/validate-plan';
import type { Tenant } from '../tenants/tenants-repository';
import { HttpError } from './http-error';

export interface Admission {
  tenant: Tenant;
  plan: Plan;
  workflowId: string;
  /** Set when the whole plan waits for a decision before anything runs. */
  approvalReason: string | null;
  now: Date;
  /** The first step this run will run: a retry's `from_step`; default 0. */
  firstStep?: number;
}

/**
 * A human decision takes as long as it takes; this is only a hint of when to
 * look again.
 */
const APPROVAL_QUEUE_RETRY_S = 60;

/**
 * Writes a plan's row once admitPlan lets it in, in one transaction: the
 * tenant's ledger stays locked until the row is there, so concurrent
 * submissions count each other. A refusal writes nothing.
 */
export async function insertAdmittedPlan(
  db: Kysely<Database>,
  admission: Admission,
  row: NewPlanRow,
): Promise<PlanRow> {
  return db.transaction().execute(async (trx) => {
    await admitPlan(trx, admission);
    return insertPlan(trx, row);
  });
}

/**
 * Admits a plan under its tenant's limits, in the transaction that writes the
 * plan's row, or throws a 429 with Retry-After:
 * - a plan that will wait for a decision (of the whole plan or of a step) is
 *   refused while `limits.plans_awaiting_approval` plans already wait;
 * - a plan that runs at once is refused when its first steps would not fit in
 *   the per-minute or per-hour window now, counting what ran and what earlier
 *   submissions reserved; when they fit they are reserved, so concurrent
 *   submissions see each other. Steps after an approval, and any the window
 *   could not hold, are counted when they run (the workflow waits for them).
 */
export async function admitPlan(trx: Transaction<Database>, a: Admission): Promise<void> {
  const { tenant } = a;
  const first = a.firstStep ?? 0;
  const plan = { ...a.plan, actions: a.plan.actions.slice(first) };
  const limits = tenant.settings.limits;
  await lockTenantActions(trx, tenant.id);

  const waitsForDecision =
    a.approvalReason !== null || plan.actions.some((s) => s.approval === 'required');
  if (waitsForDecision) {
    const waiting = await plansAwaitingApproval(trx, tenant.id);
    if (waiting >= limits.plans_awaiting_approval) {
      throw new HttpError(
        429,
        'too_many_awaiting_approval',
        `${waiting} plans already wait for approval; the tenant's limit is ${limits.plans_awaiting_approval} (limits.plans_awaiting_approval)`,
        [],
        { 'retry-after': String(APPROVAL_QUEUE_RETRY_S) },
      );
    }
  }
  if (a.approvalReason !== null) return;

  const need = admissionNeed(plan, limits);
  if (need === 0) return;
  const short = await capacityShortfall(trx, { tenantId: tenant.id, limits, need, now: a.now });
  if (short) throw rateExceeded(short, need);
  const steps = Array.from({ length: need }, (_, i) => ({
    workflow_id: a.workflowId,
    step_index: first + i,
  }));
  await reserveActions(trx, tenant.id, steps, a.now);
}

function rateExceeded(short: Shortfall, need: number): HttpError {
  const per = short.limit === 'actions_per_minute' ? 'minute' : 'hour';
  const seconds = retryAfterSeconds(short.waitMs);
  return new HttpError(
    429,
    'action_rate_exceeded',
    `the tenant's limit of ${short.max} actions per ${per} (limits.${short.limit}) is reached: ` +
      `${short.counted} counted in the last ${per}; this plan's ${need} action(s) fit in ${seconds} s`,
    [],
    { 'retry-after': String(seconds) },
  );
}

/**
 * Plans waiting for a decision now, and those submitted to wait for one
 * before anything runs; a plan gated at a later step counts once it waits there.
 */
async function plansAwaitingApproval(db: Kysely<Database>, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('action_plans')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', ['awaiting_approval', 'submitting', 'pending'])
    .where((eb) =>
      eb.or([
        eb('status', '=', 'awaiting_approval'),
        eb(sql`workflow_input->>'approval_reason'`, 'is not', null),
      ]),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
