import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { waitForTemporal } from '../../src/temporal/dev-server';

const run = promisify(execFile);
const scripts = fileURLToPath(new URL('../../scripts/cluster/', import.meta.url));

export interface ClusterPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface TemporalClusterOptions {
  /** Holds temporal-server, temporal-sql-tool and docker.yaml (scripts/ensure-temporal-server.sh). */
  binDir: string;
  /** The temporal CLI, for namespace and search attribute registration. */
  temporalCli: string;
  postgres: ClusterPostgres;
  /** Names the cluster's two databases: <prefix>_temporal, <prefix>_visibility. */
  databasePrefix: string;
  /** Where its configuration and log go. */
  dir: string;
}

export interface TemporalCluster {
  address: string;
  /** The server's output so far, for a failing test to show. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * What the server's config template (the temporalio/server image's docker.yaml) is
 * given for a cluster on Postgres; docker-compose.yml's temporal service sets the same.
 */
export function temporalServerEnv(target: {
  postgres: ClusterPostgres;
  databases: { temporal: string; visibility: string };
}): Record<string, string> {
  return {
    TEMPORAL_ALLOW_NO_AUTH: 'true',
    DB: 'postgres12',
    POSTGRES_SEEDS: target.postgres.host,
    DB_PORT: String(target.postgres.port),
    // The template reads the visibility store's port from this one.
    POSTGRES_PORT: String(target.postgres.port),
    POSTGRES_USER: target.postgres.user,
    POSTGRES_PWD: target.postgres.password,
    DBNAME: target.databases.temporal,
    VISIBILITY_DBNAME: target.databases.visibility,
  };
}

/**
 * A real Temporal server (all four services in one process, as `temporal-server start`
 * runs them) persisting to Postgres, with the schema set up by the same script
 * docker-compose.yml runs, and the namespace and search attribute Errand needs.
 */
export async function startTemporalCluster(
  options: TemporalClusterOptions,
): Promise<TemporalCluster> {
  const { postgres } = options;
  const databases = {
    temporal: `${options.databasePrefix}_temporal`,
    visibility: `${options.databasePrefix}_visibility`,
  };
  await run('sh', [path.join(scripts, 'setup-temporal-schema.sh')], {
    env: {
      ...process.env,
      SQL_TOOL: path.join(options.binDir, 'temporal-sql-tool'),
      POSTGRES_HOST: postgres.host,
      POSTGRES_PORT: String(postgres.port),
      POSTGRES_USER: postgres.user,
      POSTGRES_PWD: postgres.password,
      TEMPORAL_DB: databases.temporal,
      VISIBILITY_DB: databases.visibility,
    },
  });

  // The server image's own config template, rendered by the server from the same
  // environment variables docker-compose.yml gives the temporalio/server image.
  const configDir = path.join(options.dir, 'config');
  mkdirSync(configDir, { recursive: true });
  copyFileSync(path.join(options.binDir, 'docker.yaml'), path.join(configDir, 'docker.yaml'));
  const ports = await lowFreePorts(9);
  const [frontend, frontendHttp, ...rest] = ports as [number, number, ...number[]];
  const portNames = [
    'FRONTEND_MEMBERSHIP_PORT',
    'HISTORY_GRPC_PORT',
    'HISTORY_MEMBERSHIP_PORT',
    'MATCHING_GRPC_PORT',
    'MATCHING_MEMBERSHIP_PORT',
    'WORKER_GRPC_PORT',
    'WORKER_MEMBERSHIP_PORT',
  ];
  const child = spawn(
    path.join(options.binDir, 'temporal-server'),
    ['--root', options.dir, '--config', 'config', '--env', 'docker', 'start'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        LOG_LEVEL: 'warn',
        ...temporalServerEnv({ postgres, databases }),
        BIND_ON_IP: '127.0.0.1',
        TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
        FRONTEND_GRPC_PORT: String(frontend),
        FRONTEND_HTTP_PORT: String(frontendHttp),
        ...Object.fromEntries(portNames.map((name, i) => [name, String(rest[i])])),
        DYNAMIC_CONFIG_FILE_PATH: path.join(scripts, 'dynamicconfig.yaml'),
      },
    },
  );
  let printed = '';
  const keep = (chunk: Buffer) => {
    printed = (printed + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`temporal-server exited with code ${code}:\n${printed}`)),
    ),
  );
  exited.catch(() => undefined);
  const address = `127.0.0.1:${frontend}`;
  await Promise.race([waitForTemporal(address, 120_000), exited]);
  await Promise.race([
    run('sh', [path.join(scripts, 'register-namespace.sh')], {
      env: {
        ...process.env,
        TEMPORAL_CLI: options.temporalCli,
        TEMPORAL_ADDRESS: address,
        NAMESPACE: 'default',
      },
    }),
    exited,
  ]);
  return {
    address,
    output: () => printed,
    stop: () =>
      new Promise<void>((resolve) => {
        process.removeListener('exit', killChild);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(hard);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Free ports below 32768: the server stores its services' membership ports in a
 * smallint column, and the OS hands out ephemeral ports above that.
 */
async function lowFreePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!ports.includes(port) && (await isFree(port))) ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
