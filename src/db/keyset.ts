import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from './database';

/**
 * The (sort key, id) of the last row of the previous page. The sort key is
 * `created_at` for the newest-first lists; lists in time order (calendar
 * events by start, reminders by due time) carry their own column's value here.
 */
export interface KeysetCursor {
  created_at: Date;
  id: string;
}

/** The column a list is sorted by (then by id), and which way. */
export interface KeysetOrder {
  column: 'created_at' | 'start_at' | 'fire_at';
  direction: 'asc' | 'desc';
}

export const NEWEST_FIRST: KeysetOrder = { column: 'created_at', direction: 'desc' };

/**
 * Narrows a query ordered by (column, id) in `order` to the rows after the
 * cursor, so pages never skip or repeat a row.
 */
export function afterCursor<T extends keyof Database, O>(
  query: SelectQueryBuilder<Database, T, O>,
  cursor: KeysetCursor | undefined,
  order: KeysetOrder = NEWEST_FIRST,
): SelectQueryBuilder<Database, T, O> {
  if (!cursor) return query;
  const after = order.direction === 'desc' ? sql`<` : sql`>`;
  return query.where(
    sql<boolean>`(${sql.ref(order.column)}, id) ${after} (${cursor.created_at}::timestamptz, ${cursor.id}::uuid)`,
  );
}

/** Orders a query by (column, id) in `order`, the order afterCursor pages through. */
export function inKeysetOrder<T extends keyof Database, O>(
  query: SelectQueryBuilder<Database, T, O>,
  order: KeysetOrder,
): SelectQueryBuilder<Database, T, O> {
  return query
    .orderBy(sql.ref(order.column), order.direction)
    .orderBy(sql.ref('id'), order.direction);
}
