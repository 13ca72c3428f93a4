import type { Kysely } from 'kysely';
import type { Database, PlanRow } from '../db/database';
import { isOwnedBy, isPlanOwnedBy, type PlanOwner } from '../db/plans-repository';
import type { Tenant } from '../tenants/tenants-repository';
import type { Principal } from './tenant-context';

/** Who submitted a plan, as its row records it. */
export interface Submitter {
  submitted_by_kind: 'key' | 'jwt';
  submitted_by_key: string | null;
  submitted_by_user: string | null;
}

export function submitterOf(principal: Principal): Submitter {
  if (principal.kind === 'operator') throw new Error('the operator key submits no plans');
  return {
    submitted_by_kind: principal.kind,
    submitted_by_key: principal.key_id,
    submitted_by_user: principal.user,
  };
}

/** The caller's own plans: by user when the principal has one, else by key. */
export function ownerOf(principal: Principal): PlanOwner | undefined {
  if (principal.user) return { user: principal.user };
  return principal.key_id ? { key: principal.key_id } : undefined;
}

/**
 * The owner the caller's view is narrowed to, or undefined when they see the
 * whole tenant: only a principal whose role is exactly `submitter`, and only
 * when the tenant's `submitters_see_only_their_own` is on.
 */
export function narrowedTo(principal: Principal, tenant: Tenant): PlanOwner | undefined {
  if (!tenant.settings.submitters_see_only_their_own || principal.role !== 'submitter') {
    return undefined;
  }
  return ownerOf(principal);
}

/** Whether the caller may see (and, with the role, act on) the plan. */
export function canSee(row: PlanRow, principal: Principal, tenant: Tenant): boolean {
  const owner = narrowedTo(principal, tenant);
  return !owner || isOwnedBy(row, owner);
}

/** Whether the caller may see a reminder or message that came from plan `planId` (null: from none). */
export async function canSeeFromPlan(
  db: Kysely<Database>,
  planId: string | null,
  principal: Principal,
  tenant: Tenant,
): Promise<boolean> {
  const owner = narrowedTo(principal, tenant);
  if (!owner) return true;
  return planId !== null && isPlanOwnedBy(db, tenant.id, planId, owner);
}

/** The decider is the plan's submitter (four eyes): same user, or same key when there is no user. */
export function isOwnPlan(row: PlanRow, principal: Principal): boolean {
  const owner = ownerOf(principal);
  return owner !== undefined && isOwnedBy(row, owner);
}

/** What the plan view shows as `submitted_by`; null on plans from before users existed. */
export function submittedByView(row: PlanRow) {
  if (!row.submitted_by_kind) return null;
  return { kind: row.submitted_by_kind, key_id: row.submitted_by_key, user: row.submitted_by_user };
}
