import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { temporalAnswers } from '../../src/temporal/dev-server';
import { registerSearchAttributes } from '../../src/temporal/register-search-attributes';
import { ERRAND_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
import { freePort } from '../support/global-setup';

const { IndexedValueType } = temporal.api.enums.v1;

let server: ChildProcess;
let address: string;
let dir: string;

// A dev server on a database file an earlier Errand made: it knows ErrandTenant alone.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'errand-sa-'));
  const port = await freePort();
  address = `127.0.0.1:${port}`;
  server = spawn(
    inject('temporalCli'),
    [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--db-filename',
      join(dir, 'temporal.db'),
      '--search-attribute',
      'ErrandTenant=Keyword',
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 60_000;
  while (!(await temporalAnswers(address))) {
    if (Date.now() > deadline) throw new Error('the dev server did not answer');
    await new Promise((r) => setTimeout(r, 200));
  }
}, 90_000);
afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function registered(): Promise<Record<string, number>> {
  const connection = await Connection.connect({ address });
  try {
    const list = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    return Object.fromEntries(
      Object.entries(list.customAttributes ?? {}).filter(([name]) => name.startsWith('Errand')),
    ) as Record<string, number>;
  } finally {
    await connection.close();
  }
}

describe('registering the search attributes on an existing dev server database', () => {
  it('adds the ones it lacks with their types, and nothing the second time', async () => {
    expect(Object.keys(await registered())).toEqual(['ErrandTenant']);
    const added = await registerSearchAttributes(address, 'default');
    expect(added.sort()).toEqual(
      ERRAND_SEARCH_ATTRIBUTES.map((a) => a.name)
        .filter((n) => n !== 'ErrandTenant')
        .sort(),
    );
    const now = await registered();
    expect(Object.keys(now).sort()).toEqual(ERRAND_SEARCH_ATTRIBUTES.map((a) => a.name).sort());
    expect(now.ErrandAwaitingApproval).toBe(IndexedValueType.INDEXED_VALUE_TYPE_BOOL);
    expect(now.ErrandStatus).toBe(IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    expect(await registerSearchAttributes(address, 'default')).toEqual([]);
  });
});
