import { mkdirSync, mkdtempSync, readlinkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hydrateSymlinks } from '../../src/db/embedded-postgres-binaries';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('hydrateSymlinks', () => {
  it('recreates the shared-library links npm tarballs cannot carry, leaving existing files alone', async () => {
    const pkg = mkdtempSync(path.join(tmpdir(), 'errand-pg-links-'));
    dirs.push(pkg);
    mkdirSync(path.join(pkg, 'native', 'lib'), { recursive: true });
    writeFileSync(path.join(pkg, 'native', 'lib', 'libpq.so.5.18'), 'library');
    writeFileSync(path.join(pkg, 'native', 'lib', 'libpq.so'), 'already here');
    const links = [
      { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so.5' },
      { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so' },
    ];
    writeFileSync(path.join(pkg, 'native', 'pg-symlinks.json'), JSON.stringify(links));

    await hydrateSymlinks(path.join(pkg, 'native'));
    await hydrateSymlinks(path.join(pkg, 'native'));

    expect(readlinkSync(path.join(pkg, 'native', 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18');
    expect(readFileSync(path.join(pkg, 'native', 'lib', 'libpq.so.5'), 'utf8')).toBe('library');
    expect(readFileSync(path.join(pkg, 'native', 'lib', 'libpq.so'), 'utf8')).toBe('already here');
  });
});
