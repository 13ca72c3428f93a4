// A lone surrogate half: a high one not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/g;

/**
 * Makes one string storable in Postgres: `text` refuses U+0000, and `jsonb`
 * refuses the `\u0000` and lone-surrogate escapes JSON.stringify writes for
 * them (SQLSTATE 22P05). U+0000 is dropped; a lone surrogate becomes U+FFFD.
 *
 * @example postgresSafeText('a\u0000b\uD800') // 'ab\uFFFD'
 */
export function postgresSafeText(text: string): string {
  return text.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * A deep copy of a JSON value with every string, keys included, made storable
 * by {@link postgresSafeText}. Pure, so workflow code may use it too.
 *
 * @example postgresSafe({ note: 'a\u0000b' }) // { note: 'ab' }
 */
export function postgresSafe<T>(value: T): T {
  return clean(value, 0, Infinity) as T;
}

/**
 * Like {@link postgresSafe}, for values from outside: undefined when the value
 * nests deeper than `maxDepth`, so no later recursion (ours, JSON, Postgres) overflows.
 */
export function postgresSafeWithin(value: unknown, maxDepth: number): unknown {
  const cleaned = clean(value, 0, maxDepth);
  return cleaned === TOO_DEEP ? undefined : cleaned;
}

const TOO_DEEP = Symbol('too deep');

function clean(value: unknown, depth: number, maxDepth: number): unknown {
  if (typeof value === 'string') return postgresSafeText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxDepth) return TOO_DEEP;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const c = clean(item, depth + 1, maxDepth);
      if (c === TOO_DEEP) return TOO_DEEP;
      out.push(c);
    }
    return out;
  }
  const entries: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const c = clean(item, depth + 1, maxDepth);
    if (c === TOO_DEEP) return TOO_DEEP;
    entries.push([postgresSafeText(key), c]);
  }
  // fromEntries defines own properties, so a "__proto__" key stays a key.
  return Object.fromEntries(entries);
}
