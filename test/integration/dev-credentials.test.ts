import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiKey } from '../../src/auth/api-keys-repository';
import { ensureDevCredentials } from '../../src/dev-credentials';
import { startHarness, TEST_PEPPER, type Harness } from '../support/harness';

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness({ worker: false });
  dir = mkdtempSync(join(tmpdir(), 'errand-dev-'));
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm start's credentials file", () => {
  it('makes a working admin key once, keeps it while it works, and replaces a revoked one', async () => {
    const path = join(dir, 'credentials.json');
    const input = { path, tenant: h.tenant.id, pepper: TEST_PEPPER };
    const first = await ensureDevCredentials(h.db, input);
    expect(first.created).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    expect(file).toEqual({ tenant: h.tenant.id, key: first.key, operator_key: first.operatorKey });
    expect(first.operatorKey.length).toBeGreaterThanOrEqual(32);
    const settings = await h.raw('GET', '/v1/settings', undefined, {
      authorization: `Bearer ${first.key}`,
    });
    expect(settings.body.tenant_id).toBe(h.tenant.id);

    const second = await ensureDevCredentials(h.db, input);
    expect(second).toMatchObject({
      created: false,
      key: first.key,
      operatorKey: first.operatorKey,
    });

    const [, id] = /^ek_([0-9a-f]{12})_/.exec(first.key)!;
    await revokeApiKey(h.db, h.tenant.id, id!);
    const third = await ensureDevCredentials(h.db, input);
    expect(third.created).toBe(true);
    expect(third.key).not.toBe(first.key);

    const configured = 'c'.repeat(40);
    await ensureDevCredentials(h.db, { ...input, configuredOperatorKey: configured });
    expect(JSON.parse(readFileSync(path, 'utf8')).operator_key).toBeUndefined();
  });
});
