import type { RequestHandler } from 'express';
import { formatPath, type FieldError } from '../plan/field-error';
import { badRequest } from './http-error';

const NUL = '\u0000';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** One bad body is reason enough; listing a few helps, listing thousands does not. */
const MAX_REPORTED = 10;

/**
 * Refuses a JSON body holding U+0000 or a lone UTF-16 surrogate in any string
 * or key: Postgres cannot store U+0000 in text or jsonb, and a lone surrogate
 * is not Unicode, so either would fail later as a 500 or travel on corrupted.
 * Answers 400 naming every path (up to ten) where one occurs.
 */
export const refuseUnsafeStrings: RequestHandler = (req, _res, next) => {
  const errors = unsafeStrings(req.body as unknown);
  next(
    errors.length > 0 ? badRequest(errors, 'the body holds text that cannot be stored') : undefined,
  );
};

/** The paths of strings and keys in a parsed JSON value that hold U+0000 or a lone surrogate. */
export function unsafeStrings(root: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0 && errors.length < MAX_REPORTED) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = problemOf(value);
      if (problem) errors.push({ path: formatPath(path), message: problem });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], path: [...path, i] });
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const keyProblem = problemOf(key);
        if (keyProblem)
          errors.push({ path: formatPath([...path, key]), message: `its key ${keyProblem}` });
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return errors.slice(0, MAX_REPORTED);
}

function problemOf(text: string): string | null {
  if (text.includes(NUL)) return 'contains U+0000 (a NUL character), which is not allowed';
  if (LONE_SURROGATE.test(text))
    return 'contains a lone UTF-16 surrogate, which is not valid Unicode';
  return null;
}
