import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('works with no variables at all', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 3000,
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
    });
  });

  it('leaves DATABASE_URL unset when it is not given, so Errand starts its embedded Postgres', () => {
    expect(loadConfig({}).DATABASE_URL).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x' }).DATABASE_URL).toBe('postgres://db/x');
  });

  it('lists every bad variable in one message', () => {
    const load = () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PORT[\s\S]*DATABASE_URL|DATABASE_URL[\s\S]*PORT/);
    expect(load).toThrow(/LOG_LEVEL/);
  });

  it('refuses private networks to webhooks unless ERRAND_ALLOW_PRIVATE_NETWORK is true', () => {
    expect(loadConfig({})).toMatchObject({
      ERRAND_ALLOW_PRIVATE_NETWORK: false,
      ERRAND_WEBHOOK_TIMEOUT_MS: 10_000,
    });
    expect(loadConfig({ ERRAND_ALLOW_PRIVATE_NETWORK: 'true' }).ERRAND_ALLOW_PRIVATE_NETWORK).toBe(
      true,
    );
    expect(() => loadConfig({ ERRAND_ALLOW_PRIVATE_NETWORK: 'yes' })).toThrow(
      /ERRAND_ALLOW_PRIVATE_NETWORK/,
    );
    expect(() => loadConfig({ ERRAND_WEBHOOK_TIMEOUT_MS: '90000' })).toThrow(
      /ERRAND_WEBHOOK_TIMEOUT_MS/,
    );
  });

  describe('JWTs', () => {
    const secret = 's'.repeat(32);
    const on = { ERRAND_JWT_ISSUER: 'https://id.example.com/', ERRAND_JWT_AUDIENCE: 'errand' };

    it('are off by default, with default claim names and a 30 s tolerance', () => {
      expect(loadConfig({})).toMatchObject({
        ERRAND_JWT_TENANT_CLAIM: 'tenant',
        ERRAND_JWT_ROLES_CLAIM: 'roles',
        ERRAND_JWT_CLOCK_TOLERANCE_SECONDS: 30,
      });
      expect(loadConfig({}).ERRAND_JWT_SECRET).toBeUndefined();
    });

    it('need an issuer and an audience once a secret or JWKS URL is set', () => {
      expect(() => loadConfig({ ERRAND_JWT_SECRET: secret })).toThrow(
        /ERRAND_JWT_ISSUER[\s\S]*ERRAND_JWT_AUDIENCE/,
      );
      expect(loadConfig({ ERRAND_JWT_SECRET: secret, ...on }).ERRAND_JWT_SECRET).toBe(secret);
    });

    it.each([
      ['a short secret', { ERRAND_JWT_SECRET: 'short', ...on }, 'ERRAND_JWT_SECRET'],
      [
        'both a secret and a JWKS URL',
        { ERRAND_JWT_SECRET: secret, ERRAND_JWT_JWKS_URL: 'https://id.example.com/jwks', ...on },
        'ERRAND_JWT_JWKS_URL',
      ],
      ['an http JWKS URL', { ERRAND_JWT_JWKS_URL: 'http://id.example.com/jwks', ...on }, 'https'],
      [
        'alg none',
        { ERRAND_JWT_SECRET: secret, ERRAND_JWT_ALGORITHMS: 'HS256,none', ...on },
        'none is not one of HS256, HS384, HS512',
      ],
      [
        'an asymmetric algorithm with a secret',
        { ERRAND_JWT_SECRET: secret, ERRAND_JWT_ALGORITHMS: 'RS256', ...on },
        'ERRAND_JWT_ALGORITHMS',
      ],
      [
        'a tolerance over 300 s',
        { ERRAND_JWT_SECRET: secret, ERRAND_JWT_CLOCK_TOLERANCE_SECONDS: '301', ...on },
        'ERRAND_JWT_CLOCK_TOLERANCE_SECONDS',
      ],
      ['an issuer without JWTs', { ERRAND_JWT_ISSUER: 'x' }, 'ERRAND_JWT_ISSUER'],
    ])('refuse %s', (_name, env, message) => {
      expect(() => loadConfig(env)).toThrow(message);
    });

    it('allow an http JWKS URL on a private network when ERRAND_ALLOW_PRIVATE_NETWORK is on', () => {
      const env = {
        ERRAND_JWT_JWKS_URL: 'http://127.0.0.1:8080/jwks',
        ERRAND_ALLOW_PRIVATE_NETWORK: 'true',
        ...on,
      };
      expect(loadConfig(env).ERRAND_JWT_JWKS_URL).toBe(env.ERRAND_JWT_JWKS_URL);
    });
  });
});

describe('the Google OAuth client in configuration', () => {
  const client = {
    ERRAND_GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
    ERRAND_GOOGLE_CLIENT_SECRET: 'secret',
    ERRAND_GOOGLE_REDIRECT_URL: 'https://errand.example.com/v1/connections/google/callback',
  };

  it('takes all three together, and none', () => {
    expect(loadConfig(client).ERRAND_GOOGLE_CLIENT_ID).toBe(client.ERRAND_GOOGLE_CLIENT_ID);
    expect(loadConfig({}).ERRAND_GOOGLE_CLIENT_ID).toBeUndefined();
  });

  it('refuses one without the others, naming each missing one', () => {
    const load = () => loadConfig({ ERRAND_GOOGLE_CLIENT_ID: 'id' });
    expect(load).toThrow(/ERRAND_GOOGLE_CLIENT_SECRET: is required with ERRAND_GOOGLE_CLIENT_ID/);
    expect(load).toThrow(/ERRAND_GOOGLE_REDIRECT_URL: is required/);
  });

  it('refuses an http redirect and the test stand-ins outside a private network', () => {
    const load = () =>
      loadConfig({
        ...client,
        ERRAND_GOOGLE_REDIRECT_URL: 'http://errand.example.com/cb',
        ERRAND_GOOGLE_TEST_TOKEN_URL: 'http://127.0.0.1:9/token',
      });
    expect(load).toThrow(/ERRAND_GOOGLE_REDIRECT_URL: must use https/);
    expect(load).toThrow(/ERRAND_GOOGLE_TEST_TOKEN_URL: is for tests only/);
    expect(
      loadConfig({
        ...client,
        ERRAND_ALLOW_PRIVATE_NETWORK: 'true',
        ERRAND_GOOGLE_TEST_TOKEN_URL: 'http://127.0.0.1:9/token',
      }).ERRAND_GOOGLE_TEST_TOKEN_URL,
    ).toBe('http://127.0.0.1:9/token');
  });
});
