// A lone surrogate half: a high one not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/g;

/**
 * Makes one string storable in Postgres: `text` refuses U+0000, and `jsonb`
 * refuses the `\u0000` and lone-surrogate escapes JSON.stringify writes for
 * them (SQLSTATE 22P05). U+0000 is dropped; a lone surrogate becomes U+FFFD.
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
  return clean(value) as T;
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return postgresSafeText(value);
  if (Array.isArray(value)) return value.map(clean);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner !== undefined) out[postgresSafeText(key)] = clean(inner);
    }
    return out;
  }
  return value;
}
