import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from './database';

/** The (created_at, id) of the last row of the previous page. */
export interface KeysetCursor {
  created_at: Date;
  id: string;
}

/**
 * Narrows a newest-first query (ordered by created_at, id) to the rows after
 * the cursor, so pages never skip or repeat a row.
 */
export function afterCursor<T extends keyof Database, O>(
  query: SelectQueryBuilder<Database, T, O>,
  cursor: KeysetCursor | undefined,
): SelectQueryBuilder<Database, T, O> {
  if (!cursor) return query;
  return query.where(
    sql<boolean>`(created_at, id) < (${cursor.created_at}::timestamptz, ${cursor.id}::uuid)`,
  );
}
