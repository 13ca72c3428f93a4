import type { z } from 'zod';
import { fieldErrors } from '../plan/field-error';
import { badRequest } from './http-error';

/** Parses a JSON body with a zod schema, answering 400 with every bad field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (!result.success) throw badRequest(fieldErrors(result.error));
  return result.data;
}
