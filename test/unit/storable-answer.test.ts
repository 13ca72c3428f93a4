import { describe, expect, it } from 'vitest';
import { storableAnswer } from '../../src/net/storable-answer';

describe('storableAnswer', () => {
  it('cleans every string and key of a JSON answer', () => {
    const body =
      '{"ok\\u0000":"x\\u0000y","list":["\\ud800", {"deep":"\\u0000z"}],"n":1,"b":true,"nil":null}';
    expect(storableAnswer(body)).toEqual({
      ok: 'xy',
      list: ['\uFFFD', { deep: 'z' }],
      n: 1,
      b: true,
      nil: null,
    });
  });

  it('keeps an answer that is not JSON as cleaned text', () => {
    expect(storableAnswer('accepted\u0000 \uDFFF')).toBe('accepted \uFFFD');
    // A raw U+0000 inside a string is not JSON either.
    expect(storableAnswer('{"a":"\u0000"}')).toBe('{"a":""}');
  });

  it('keeps a "__proto__" key as a key, not a prototype', () => {
    const answer = storableAnswer('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.keys(answer)).toEqual(['__proto__']);
    expect((answer as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('keeps an answer nested too deep to store as text', () => {
    const body = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    expect(storableAnswer(body)).toBe(body);
    expect(storableAnswer('[[["fine"]]]')).toEqual([[['fine']]]);
  });
});
