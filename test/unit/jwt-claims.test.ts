import { describe, expect, it } from 'vitest';
import { highestRole, identityOf } from '../../src/auth/jwt-claims';

const names = { tenant: 'tenant', roles: 'roles' };

describe('highestRole', () => {
  it.each([
    [['viewer', 'approver'], 'approver'],
    [['admin', 'viewer'], 'admin'],
    [['superuser', 'submitter'], 'submitter'],
    ['viewer submitter', 'submitter'],
    ['approver', 'approver'],
    [['Admin'], null],
    [['superuser'], null],
    [[], null],
    ['', null],
    [undefined, null],
    [42, null],
    [{ admin: true }, null],
    [[1, 'viewer', null], 'viewer'],
  ])('reads %j as %s', (claim, role) => {
    expect(highestRole(claim)).toBe(role);
  });
});

describe('identityOf', () => {
  it('reads tenant, user and role from the configured claims', () => {
    expect(
      identityOf(
        { sub: 'ana', org: 'acme', 'https://errand/roles': ['approver'] },
        { tenant: 'org', roles: 'https://errand/roles' },
      ),
    ).toEqual({ tenant: 'acme', user: 'ana', role: 'approver' });
  });

  it('keeps a token that names no role, with role null, for a 403 further on', () => {
    expect(identityOf({ sub: 'ana', tenant: 'acme' }, names)).toEqual({
      tenant: 'acme',
      user: 'ana',
      role: null,
    });
  });

  it.each([
    ['no sub', { tenant: 'acme', roles: ['admin'] }],
    ['a blank sub', { sub: '  ', tenant: 'acme' }],
    ['a numeric sub', { sub: 7, tenant: 'acme' }],
    ['a sub over 255 characters', { sub: 'a'.repeat(256), tenant: 'acme' }],
    ['no tenant', { sub: 'ana', roles: ['admin'] }],
    ['a tenant that is not a string', { sub: 'ana', tenant: ['acme'] }],
    ['a tenant over 63 characters', { sub: 'ana', tenant: 't'.repeat(64) }],
  ])('refuses %s', (_name, claims) => {
    expect(identityOf(claims, names)).toBeUndefined();
  });
});
