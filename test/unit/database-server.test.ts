import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabaseServer } from '../../src/db/database-server';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openDatabaseServer', () => {
  it('uses DATABASE_URL when it is set and starts nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'errand-db-server-'));
    dirs.push(dir);
    const dataDir = path.join(dir, 'postgres');
    const database = await openDatabaseServer({ url: 'postgres://db.example/errand', dataDir });
    expect(database).toMatchObject({ url: 'postgres://db.example/errand', kind: 'external' });
    await database.stop();
    expect(existsSync(dataDir)).toBe(false);
    expect(existsSync(`${dataDir}.json`)).toBe(false);
  });
});
