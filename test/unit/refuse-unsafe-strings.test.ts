import { describe, expect, it } from 'vitest';
import { unsafeStrings } from '../../src/api/refuse-unsafe-strings';

describe('unsafeStrings', () => {
  it('names the path of a string holding U+0000', () => {
    expect(unsafeStrings({ actions: [{ params: { title: 'a\u0000b' } }] })).toEqual([
      { path: 'actions[0].params.title', message: expect.stringMatching(/U\+0000/) },
    ]);
  });

  it('names a key holding U+0000', () => {
    expect(unsafeStrings({ context: { 'k\u0000': 1 } })).toEqual([
      { path: 'context.k\u0000', message: expect.stringMatching(/key contains U\+0000/) },
    ]);
  });

  it.each([
    ['a lone high surrogate', '\uD83D'],
    ['a lone low surrogate', 'x\uDE00'],
    ['reversed halves', '\uDE00\uD83D'],
  ])('names %s', (_name, text) => {
    expect(unsafeStrings({ text })).toEqual([
      { path: 'text', message: expect.stringMatching(/lone UTF-16 surrogate/) },
    ]);
  });

  it('accepts emoji, accents and other well-formed text', () => {
    expect(unsafeStrings({ text: 'café 😀 日本', list: ['ok', 1, null, { a: true }] })).toEqual([]);
  });

  it('reports at most ten paths', () => {
    expect(unsafeStrings(Array.from({ length: 50 }, () => '\u0000'))).toHaveLength(10);
  });
});
