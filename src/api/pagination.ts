import { z } from 'zod';
import { isUuid } from '../db/calendar-repository';
import { fieldErrors } from '../plan/field-error';
import { badRequest } from './http-error';

/** An opaque keyset cursor: the (created_at, id) of the last row of the previous page. */
export interface Cursor {
  created_at: Date;
  id: string;
}

export function encodeCursor(row: { created_at: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.created_at.toISOString(), row.id])).toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(text, 'base64url').toString()) as [string, string];
    const created_at = new Date(at);
    if (typeof id !== 'string' || !isUuid(id) || Number.isNaN(created_at.getTime())) {
      throw new Error('not a cursor');
    }
    return { created_at, id };
  } catch {
    throw badRequest([{ path: 'cursor', message: 'is not a cursor this API returned' }]);
  }
}

/** Parses query parameters with a zod schema, answering 400 with every bad one. */
export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.output<T> {
  const result = schema.safeParse(query);
  if (!result.success) throw badRequest(fieldErrors(result.error), 'invalid query parameters');
  return result.data;
}

export const limitParam = z.coerce.number().int().min(1).max(200).default(50);

/**
 * A page of results and the cursor of the next one, if any. `keyOf` gives a
 * row's (sort key, id) for lists not sorted by created_at.
 */
export function page<T extends { created_at: Date; id: string }, V>(
  rows: T[],
  limit: number,
  view: (row: T) => V,
  keyOf: (row: T) => Cursor = (row) => row,
): { data: V[]; next_cursor: string | null } {
  const last = rows.length === limit ? rows[rows.length - 1] : undefined;
  return { data: rows.map(view), next_cursor: last ? encodeCursor(keyOf(last)) : null };
}
