import fc from 'fast-check';

/** Strings an attacker or a broken client sends: NUL, lone surrogates, RTL marks, huge, homoglyphs. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\u202e\u2066evil',
    '\ufeff',
    '../../etc/passwd',
    '%00',
    '%2e%2e%2f',
    "'; drop table action_plans; --",
    '{{constructor.constructor("return process")()}}',
    '__proto__',
    'constructor',
    'NaN',
    '-1',
    '1e309',
    '0001-01-01T00:00:00',
    '9999-12-31T23:59:59Z',
    '2026-02-30T10:00:00',
    '+99999999999999999999',
    'a@b',
    '@example.com',
    'Europe/Nowhere',
  ),
  fc.nat({ max: 70_000 }).map((n) => 'x'.repeat(n)),
  fc.nat({ max: 3_000 }).map((n) => 'word '.repeat(n)),
);

/** Any JSON value, biased to the hostile: deep nesting, wrong types, odd numbers, odd keys. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -0, 2 ** 53 + 1, -(2 ** 31), 1e308, true, false, null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(
      fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'params', 'type')),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

/** JSON text nested thousands of levels deep (text, so nothing on this side recurses through it). */
export const deeplyNested: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 50, max: 5_000 }), fc.boolean())
  .map(([depth, asArray]) =>
    asArray
      ? `${'['.repeat(depth)}"bottom"${']'.repeat(depth)}`
      : `${'{"a":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`,
  );

/** Sets `value` at a random place inside a copy of `base` (a valid request made invalid). */
export function mutate(base: unknown, path: number[], value: unknown): unknown {
  const copy = structuredClone(base) as unknown;
  let node: unknown = copy;
  for (const [i, pick] of path.entries()) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[pick % keys.length];
    const last = i === path.length - 1;
    const child = (node as Record<string, unknown>)[key];
    if (last || child === null || typeof child !== 'object') {
      (node as Record<string, unknown>)[key] = value;
      return copy;
    }
    node = child;
  }
  return value;
}
