import type { Kysely } from 'kysely';
import type { Database } from './database';

/** The meetings a batch step works through, in order. */
export interface Selection {
  meetings: { meeting_id: string; calendar: string }[];
  /** More meetings matched than the step's max_results allowed. */
  truncated: boolean;
}

/**
 * The selection recorded under a step's key, choosing it with `choose` the
 * first time. Whichever attempt writes first wins and every attempt reads
 * that one, so a retry never works through a different set of meetings.
 */
export async function selectionOnce(
  db: Kysely<Database>,
  tenantId: string,
  key: string,
  choose: () => Promise<Selection>,
): Promise<Selection> {
  const read = () =>
    db
      .selectFrom('calendar_selections')
      .select(['meetings', 'truncated'])
      .where('tenant_id', '=', tenantId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
  const done = await read();
  if (done) return done;
  const chosen = await choose();
  await db
    .insertInto('calendar_selections')
    .values({
      tenant_id: tenantId,
      idempotency_key: key,
      meetings: JSON.stringify(chosen.meetings),
      truncated: chosen.truncated,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
    .execute();
  const row = await read();
  if (!row) throw new Error(`the selection of ${key} was not recorded`);
  return row;
}
