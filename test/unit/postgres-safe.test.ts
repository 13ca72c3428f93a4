import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { AuditWriteRefusedError } from '../../src/activities/errors';
import { isPermanentPostgresError } from '../../src/db/postgres-errors';
import { postgresSafe, postgresSafeText } from '../../src/plan/postgres-safe';
import { AUDIT_OPTIONS } from '../../src/workflows/activity-options';

describe('postgresSafeText', () => {
  it.each([
    ['a\u0000b', 'ab'],
    ['lone high \ud800 end', 'lone high \uFFFD end'],
    ['lone low \udc00', 'lone low \uFFFD'],
    ['reversed \udc00\ud800', 'reversed \uFFFD\uFFFD'],
    ['a pair 😀 stays', 'a pair 😀 stays'],
    ['plain', 'plain'],
    ['\u0000\u0000', ''],
    ['high at the end \uD83D', 'high at the end \uFFFD'],
  ])('makes %j storable as %j', (input, expected) => {
    expect(postgresSafeText(input)).toBe(expected);
  });
});

describe('postgresSafe', () => {
  it('cleans every string of a JSON value, keys included, and leaves the rest alone', () => {
    const value = { 'k\u0000': ['x\u0000', 1, null, true, { deep: '\ud800' }], n: 2.5 };
    expect(postgresSafe(value)).toEqual({ k: ['x', 1, null, true, { deep: '\uFFFD' }], n: 2.5 });
    expect(JSON.stringify(postgresSafe(value))).not.toMatch(/\\u0000|\\ud800/);
    expect(value['k\u0000'][0]).toBe('x\u0000');
  });

  it('keeps a "__proto__" key as a key, not a prototype', () => {
    const cleaned = postgresSafe(JSON.parse('{"__proto__":{"polluted":true}}') as object);
    expect(Object.keys(cleaned)).toEqual(['__proto__']);
    expect((cleaned as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

const pgError = (code: string) =>
  Object.assign(new pg.DatabaseError('refused', 0, 'error'), { code });

describe('isPermanentPostgresError', () => {
  it.each(['22P05', '22007', '22021', '23505', '42703', '54000'])(
    '%s cannot succeed on retry',
    (c) => {
      expect(isPermanentPostgresError(pgError(c))).toBe(true);
    },
  );
  it.each(['08006', '57P01', '40001', '40P01', '53300', '57014'])('%s may pass on retry', (c) => {
    expect(isPermanentPostgresError(pgError(c))).toBe(false);
  });
  it('treats a refused connection as passing', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(isPermanentPostgresError(err)).toBe(false);
  });
});

describe('AUDIT_OPTIONS', () => {
  it('refuses to retry a refused write and bounds every other retry, past a long outage', () => {
    expect(AUDIT_OPTIONS.retry?.nonRetryableErrorTypes).toContain(AuditWriteRefusedError.name);
    expect(AUDIT_OPTIONS.scheduleToCloseTimeout).toBe('1h');
  });
});
