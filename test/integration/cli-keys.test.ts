import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TEST_OPERATOR_KEY, type Harness } from '../support/harness';

let h: Harness;
let dir: string;
const bin = fileURLToPath(new URL('../../bin/errand.js', import.meta.url));

beforeAll(async () => {
  h = await startHarness({ worker: false });
  // What npm start leaves behind, in a directory the CLI runs in.
  dir = mkdtempSync(join(tmpdir(), 'errand-cli-'));
  mkdirSync(join(dir, '.errand'));
  writeFileSync(
    join(dir, '.errand', 'credentials.json'),
    JSON.stringify({
      tenant: h.tenant.id,
      key: await h.keyFor('admin'),
      operator_key: TEST_OPERATOR_KEY,
    }),
  );
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const errand = (...args: string[]) =>
  promisify(execFile)(process.execPath, [bin, ...args, '--api', h.baseUrl], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

describe('errand tenant and key, with the credentials file npm start writes', () => {
  // Eight CLI processes, each starting TypeScript: minutes on a busy machine, not a minute.
  it('creates a tenant (operator key) and keys, lists them and revokes one', async () => {
    const tenant = await errand(
      'tenant',
      'create',
      '--name',
      'CLI Co',
      '--timezone',
      'Europe/Paris',
      '--json',
    );
    expect(tenant.code, tenant.stderr).toBe(0);
    const made = JSON.parse(tenant.stdout);
    expect(made.tenant).toMatchObject({ name: 'CLI Co', timezone: 'Europe/Paris' });
    expect(made.key).toMatch(/^ek_/);

    const forOther = await errand(
      'key',
      'create',
      '--tenant',
      made.tenant.id,
      '--role',
      'viewer',
      '--json',
    );
    expect(forOther.code, forOther.stderr).toBe(0);
    expect(JSON.parse(forOther.stdout)).toMatchObject({ tenant: made.tenant.id, role: 'viewer' });

    const own = await errand(
      'key',
      'create',
      '--tenant',
      h.tenant.id,
      '--role',
      'approver',
      '--name',
      'bot',
      '--user',
      'ana@example.com',
      '--json',
    );
    expect(own.code, own.stderr).toBe(0);
    const ownKey = JSON.parse(own.stdout);
    expect(ownKey).toMatchObject({
      tenant: h.tenant.id,
      role: 'approver',
      name: 'bot',
      user: 'ana@example.com',
    });

    const list = await errand('key', 'list', '--json');
    expect(list.code, list.stderr).toBe(0);
    const listed = JSON.parse(list.stdout).data as { id: string; prefix: string }[];
    expect(listed.map((k) => k.id)).toContain(ownKey.id);
    expect(list.stdout).not.toContain(ownKey.key);

    const revoke = await errand('key', 'revoke', ownKey.id);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toContain(ownKey.prefix);
    const refused = await h.raw('GET', '/v1/plans', undefined, {
      authorization: `Bearer ${ownKey.key}`,
    });
    expect(refused.status).toBe(401);
  }, 240_000);

  it('exits 1 naming the refusal when the key is wrong, and 2 on bad usage', async () => {
    const bad = await errand('key', 'list', '--key', 'ek_nope');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('401');
    expect((await errand('key', 'create')).code).toBe(2);
    expect((await errand('tenant', 'create')).code).toBe(2);
  });
});
