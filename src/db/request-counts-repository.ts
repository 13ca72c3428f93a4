import { sql, type Kysely } from 'kysely';
import type { Database } from './database';

/** Counts one request of `key` in the window starting at `windowStart`; returns the window's count so far. */
export async function countRequest(
  db: Kysely<Database>,
  key: string,
  windowStart: Date,
): Promise<number> {
  const row = await db
    .insertInto('api_request_counts')
    .values({ key, window_start: windowStart, requests: 1 })
    .onConflict((oc) =>
      oc
        .columns(['key', 'window_start'])
        .doUpdateSet({ requests: sql<number>`api_request_counts.requests + 1` }),
    )
    .returning('requests')
    .executeTakeFirstOrThrow();
  return row.requests;
}

export async function forgetRequestCountsBefore(db: Kysely<Database>, before: Date) {
  await db.deleteFrom('api_request_counts').where('window_start', '<', before).execute();
}
