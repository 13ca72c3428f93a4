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
});
