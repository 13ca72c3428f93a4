import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database';

/** A step of a plan, as the ledger keys it. */
export interface LedgerStep {
  workflow_id: string;
  step_index: number;
}

/** One tenant's ledger after `since`, optionally leaving one step out. */
export interface LedgerWindow {
  tenantId: string;
  since: Date;
  exclude?: LedgerStep;
}

/**
 * Serializes every count-then-write on one tenant's ledger (submissions and
 * step reservations, from every API and worker process) until the
 * transaction ends.
 */
export async function lockTenantActions(trx: Transaction<Database>, tenantId: string) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`errand.actions:${tenantId}`}, 0))`.execute(
    trx,
  );
}

function inWindow(db: Kysely<Database>, w: LedgerWindow) {
  let query = db
    .selectFrom('action_ledger')
    .where('tenant_id', '=', w.tenantId)
    // No upper bound: a concurrent submission that read its clock earlier but took the lock
    // later must still count the places reserved (stamped a little later) before it.
    .where('at', '>', w.since);
  if (w.exclude) {
    const { workflow_id, step_index } = w.exclude;
    query = query.where((eb) =>
      eb.not(eb.and([eb('workflow_id', '=', workflow_id), eb('step_index', '=', step_index)])),
    );
  }
  return query;
}

export async function countActions(db: Kysely<Database>, w: LedgerWindow): Promise<number> {
  const row = await inWindow(db, w)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The time of the window's `n`th oldest counted action (0 is the oldest). */
export async function nthActionAt(
  db: Kysely<Database>,
  w: LedgerWindow,
  n: number,
): Promise<Date | undefined> {
  const row = await inWindow(db, w)
    .select('at')
    .orderBy('at')
    .offset(n)
    .limit(1)
    .executeTakeFirst();
  return row?.at;
}

export async function stepRan(db: Kysely<Database>, step: LedgerStep): Promise<boolean> {
  const row = await db
    .selectFrom('action_ledger')
    .select('ran')
    .where('workflow_id', '=', step.workflow_id)
    .where('step_index', '=', step.step_index)
    .executeTakeFirst();
  return row?.ran === true;
}

/** Holds places for steps that are about to run; a place already held is left as it was. */
export async function reserveActions(
  db: Kysely<Database>,
  tenantId: string,
  steps: LedgerStep[],
  at: Date,
): Promise<void> {
  if (steps.length === 0) return;
  await db
    .insertInto('action_ledger')
    .values(steps.map((s) => ({ ...s, tenant_id: tenantId, at })))
    .onConflict((oc) => oc.columns(['workflow_id', 'step_index']).doNothing())
    .execute();
}

/** Counts a step as run at `at`, taking over its reserved place if it had one. */
export async function recordActionRun(
  db: Kysely<Database>,
  tenantId: string,
  step: LedgerStep,
  at: Date,
): Promise<void> {
  await db
    .insertInto('action_ledger')
    .values({ ...step, tenant_id: tenantId, at, ran: true })
    .onConflict((oc) => oc.columns(['workflow_id', 'step_index']).doUpdateSet({ at, ran: true }))
    .execute();
}

/** Drops the tenant's rows older than any window counts. */
export async function forgetActionsBefore(
  db: Kysely<Database>,
  tenantId: string,
  before: Date,
): Promise<void> {
  await db
    .deleteFrom('action_ledger')
    .where('tenant_id', '=', tenantId)
    .where('at', '<', before)
    .execute();
}
