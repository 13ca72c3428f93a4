import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config';
import { temporalServerEnv } from '../cluster/temporal-cluster';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(`${root}/${file}`, 'utf8');

interface Service {
  image?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  entrypoint?: string[];
  deploy?: { replicas?: number };
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const serverVersion = /^VERSION=v(.+)$/m.exec(read('scripts/ensure-temporal-server.sh'))![1]!;

// No Docker engine here to run the file, so it is held to what `npm run test:cluster` runs.
describe('docker-compose.yml describes the configuration the cluster test runs', () => {
  it('runs the Temporal server version the cluster test builds, and admin-tools of the same version', () => {
    expect(services.temporal!.image).toBe(`temporalio/server:${serverVersion}`);
    expect(services['temporal-schema']!.image).toMatch(`temporalio/admin-tools:${serverVersion}-`);
    expect(services['temporal-namespace']!.image).toBe(services['temporal-schema']!.image);
  });

  it('sets the schema and namespace up with the scripts the cluster test runs', () => {
    for (const [name, script] of [
      ['temporal-schema', 'setup-temporal-schema.sh'],
      ['temporal-namespace', 'register-namespace.sh'],
    ] as const) {
      const service = services[name]!;
      expect(service.volumes).toContain('./scripts/cluster:/errand:ro');
      expect(service.entrypoint).toEqual(['/bin/sh', `/errand/${script}`]);
      expect(existsSync(`${root}/scripts/cluster/${script}`)).toBe(true);
    }
  });

  it('gives the server the variables the cluster test gives it, and the same dynamic config', () => {
    const env = services.temporal!.environment!;
    const tested = temporalServerEnv({
      postgres: { host: 'postgres', port: 5432, user: 'postgres', password: 'postgres' },
      databases: { temporal: 'temporal', visibility: 'temporal_visibility' },
    });
    expect(Object.fromEntries(Object.keys(tested).map((k) => [k, env[k]]))).toEqual(tested);
    expect(env.DYNAMIC_CONFIG_FILE_PATH).toBe('/etc/temporal/config/dynamicconfig/errand.yaml');
    expect(services.temporal!.volumes).toContain(
      './scripts/cluster/dynamicconfig.yaml:/etc/temporal/config/dynamicconfig/errand.yaml:ro',
    );
    const schema = services['temporal-schema']!.environment!;
    expect([schema.TEMPORAL_DB, schema.VISIBILITY_DB]).toEqual([env.DBNAME, env.VISIBILITY_DBNAME]);
  });

  const fromShell = (name: string) =>
    name === 'ERRAND_ENCRYPTION_KEYS'
      ? `k1:${Buffer.alloc(32).toString('base64')}`
      : 'x'.repeat(32);

  it('runs an API and two workers, with a configuration Errand accepts', () => {
    expect(services.worker!.deploy?.replicas).toBeGreaterThanOrEqual(2);
    for (const name of ['migrate', 'api', 'worker']) {
      const env = Object.fromEntries(
        Object.entries(services[name]!.environment!).map(([k, v]) => [
          k,
          // ${VAR:?message} is filled in by compose from the operator's shell.
          v.startsWith('${') ? fromShell(k) : v,
        ]),
      );
      expect(() => loadConfig(env)).not.toThrow();
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    }
  });
});
