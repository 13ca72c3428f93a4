import { describe, expect, it } from 'vitest';
import {
  OAuthStateError,
  signOAuthState,
  verifyOAuthState,
} from '../../src/connections/oauth-state';
import { newKey, parseKeyRing } from '../../src/crypto/key-ring';

const ring = parseKeyRing(`k1:${newKey()}`);
const now = new Date('2030-01-01T10:00:00Z');
const sign = () =>
  signOAuthState(ring, { tenantId: 'acme', requestedBy: 'key:abc', services: ['calendar'], now });

describe('OAuth states', () => {
  it('verifies its own state within ten minutes, with the claims it was given', () => {
    const { state } = sign();
    expect(verifyOAuthState(ring, state, new Date(now.getTime() + 9 * 60_000))).toMatchObject({
      tenantId: 'acme',
      requestedBy: 'key:abc',
      services: ['calendar'],
    });
  });

  it('refuses an expired state, a changed claim, another ring and garbage', () => {
    const { state } = sign();
    expect(() => verifyOAuthState(ring, state, new Date(now.getTime() + 10 * 60_000))).toThrow(
      /expired/,
    );
    const [body, tag] = state.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const changed = Buffer.from(JSON.stringify({ ...claims, t: 'other' })).toString('base64url');
    for (const bad of [`${changed}.${tag}`, `${body}.AAAA`, 'x', `${state}.x`, '']) {
      expect(() => verifyOAuthState(ring, bad, now)).toThrow(OAuthStateError);
    }
    expect(() => verifyOAuthState(parseKeyRing(`k1:${newKey()}`), state, now)).toThrow(
      /not one Errand signed/,
    );
  });
});
