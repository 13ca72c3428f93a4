/** Answers nested deeper than this are kept as text, so no later recursion (ours, JSON, Postgres) overflows. */
const MAX_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text from outside that Postgres (jsonb and text columns) and JSON encoders
 * accept: U+0000 removed, lone surrogates replaced by U+FFFD (as
 * `String.prototype.toWellFormed` does).
 *
 * @example storableText('a\u0000b\uD800') // 'ab\uFFFD'
 */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * An answer body as a value to keep: its JSON with every string and key made
 * storable, or the storable text itself when it is not JSON or nests too deep.
 */
export function storableAnswer(body: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return storableText(body);
  }
  const cleaned = clean(parsed, 0);
  return cleaned === TOO_DEEP ? storableText(body) : cleaned;
}

const TOO_DEEP = Symbol('too deep');

function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return storableText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const c = clean(item, depth + 1);
      if (c === TOO_DEEP) return TOO_DEEP;
      out.push(c);
    }
    return out;
  }
  const entries: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    const c = clean(item, depth + 1);
    if (c === TOO_DEEP) return TOO_DEEP;
    entries.push([storableText(key), c]);
  }
  // fromEntries defines own properties, so a "__proto__" key stays a key.
  return Object.fromEntries(entries);
}
