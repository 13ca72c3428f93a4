import { z } from 'zod';

/**
 * Response pieces many routes share, for the OpenAPI document. Each one is the
 * shape the code answers with (see http-error.ts and pagination.ts), and
 * test/integration/openapi.test.ts checks real responses against them.
 */

/** One reason a request was refused (FieldError). */
export const fieldError = z
  .object({
    path: z
      .string()
      .meta({ description: 'Where, such as `actions[2].params.to[0]`; `` for the whole body.' }),
    message: z.string(),
  })
  .meta({ id: 'FieldError' });

/** What errorHandler answers for every error: `{"error":{"code","message","details","request_id"}}`. */
export const errorBody = z
  .object({
    error: z.object({
      code: z
        .string()
        .meta({ description: 'Stable and machine-readable, e.g. `invalid_request`, `not_found`.' }),
      message: z.string(),
      details: z.array(fieldError).meta({ description: 'Every bad field; empty for a 5xx.' }),
      request_id: z.string().nullable(),
    }),
  })
  .meta({ id: 'Error', description: 'The body of every error response.' });

/** An ISO-8601 instant as the API writes it (Date#toISOString). */
export const instant = z.string().meta({ format: 'date-time' });

/** A page of a list and the cursor of the next one (pagination.ts's `page`). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    next_cursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  });

/** Any JSON value the API passes through as it was stored (a step's output, a plan's context). */
export const json = z.unknown();

/** A JSON object whose keys are the caller's or a vendor's. */
export const jsonObject = z.record(z.string(), z.unknown());
