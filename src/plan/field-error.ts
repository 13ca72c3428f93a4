import type { z } from 'zod';

/** One reason a request was refused, at a path such as `actions[2].params.to[0]`. */
export interface FieldError {
  path: string;
  message: string;
}

/** Renders a path as JSON-ish text: `["actions", 2, "params"]` → `actions[2].params`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Turns zod issues into field errors, each path prefixed with `prefix`. */
export function fieldErrors(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldError[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return { path: formatPath(path), message: `unknown field(s): ${issue.keys.join(', ')}` };
    }
    return { path: formatPath(path), message: issue.message };
  });
}
