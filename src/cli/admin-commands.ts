import { parseArgs } from 'node:util';
import type { Config } from '../config';
import { chooseKey, readCredentials } from './credentials';
import { EXIT, type CliIo } from './plan-command';

export const ADMIN_USAGE = `  errand tenant create --name N [--id ID] [--timezone Z] [--json]         a tenant and its first admin key (operator key)
  errand key create [--tenant T] --role R [--name N] [--user U] [--expires ISO] [--json]   a key, shown once
  errand key list [--json]                                                 the tenant's keys
  errand key revoke ID                                                     revokes a key
  common: [--api URL] [--key KEY] [--credentials FILE]; the key is --key, else ERRAND_API_KEY, else FILE (.errand/credentials.json)`;

const common = {
  api: { type: 'string' },
  key: { type: 'string' },
  credentials: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

async function call(
  io: CliIo,
  base: string,
  key: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> & { error?: { message: string } } }> {
  const res = await io.fetch(`${base}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

/** `errand tenant …` and `errand key …`, through the API. */
export async function adminCommand(
  command: 'tenant' | 'key',
  args: string[],
  config: Config,
  io: CliIo,
): Promise<number> {
  const [sub, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        ...common,
        name: { type: 'string' },
        id: { type: 'string' },
        timezone: { type: 'string' },
        tenant: { type: 'string' },
        role: { type: 'string' },
        user: { type: 'string' },
        expires: { type: 'string' },
      },
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n${ADMIN_USAGE}`);
    return EXIT.usage;
  }
  const { values: o, positionals } = parsed;
  const base = o.api ?? `http://${config.HOST}:${config.PORT}`;
  const file = readCredentials(o.credentials);
  const action = `${command} ${sub ?? ''}`;
  // The operator key for what only it may do: a tenant, or a key for a tenant the file's key is not of.
  const wantOperator =
    action === 'tenant create' ||
    (action === 'key create' && o.tenant !== undefined && o.tenant !== file.tenant);
  const key = chooseKey(o.key, config.ERRAND_API_KEY, file, wantOperator);
  let res;
  switch (action) {
    case 'tenant create':
      if (!o.name) {
        io.err(`--name is required\n${ADMIN_USAGE}`);
        return EXIT.usage;
      }
      res = await call(io, base, key, 'POST', '/v1/tenants', {
        name: o.name,
        ...(o.id ? { id: o.id } : {}),
        ...(o.timezone ? { timezone: o.timezone } : {}),
      });
      break;
    case 'key create':
      if (!o.role) {
        io.err(`--role is required (viewer, submitter, approver or admin)\n${ADMIN_USAGE}`);
        return EXIT.usage;
      }
      res = await call(io, base, key, 'POST', '/v1/keys', {
        role: o.role,
        ...(o.tenant ? { tenant: o.tenant } : {}),
        ...(o.name ? { name: o.name } : {}),
        ...(o.user ? { user: o.user } : {}),
        ...(o.expires ? { expires_at: o.expires } : {}),
      });
      break;
    case 'key list':
      res = await call(io, base, key, 'GET', '/v1/keys');
      break;
    case 'key revoke':
      if (positionals.length !== 1) {
        io.err(`usage: errand key revoke ID\n${ADMIN_USAGE}`);
        return EXIT.usage;
      }
      res = await call(io, base, key, 'DELETE', `/v1/keys/${encodeURIComponent(positionals[0]!)}`);
      break;
    default:
      io.err(`unknown command "${action.trim()}"\n${ADMIN_USAGE}`);
      return EXIT.usage;
  }
  if (res.status >= 300) {
    io.err(
      `the API answered ${res.status}: ${res.body.error?.message ?? JSON.stringify(res.body)}`,
    );
    return EXIT.failure;
  }
  if (o.json) io.out(JSON.stringify(res.body));
  else io.out(describe(action, res.body));
  return EXIT.ok;
}

function describe(action: string, body: Record<string, unknown>): string {
  switch (action) {
    case 'tenant create': {
      const t = body.tenant as { id: string; name: string; timezone: string };
      return `tenant ${t.id} (${t.name}, ${t.timezone})\nadmin key (shown once): ${String(body.key)}`;
    }
    case 'key create':
      return `${String(body.role)} key for ${String(body.tenant)} (shown once): ${String(body.key)}`;
    case 'key list':
      return (body.data as Record<string, unknown>[])
        .map(
          (k) =>
            `${String(k.prefix)}  ${String(k.role).padEnd(9)}  ${String(k.name ?? '-')}  ${String(k.user ?? '-')}  ${
              k.revoked_at
                ? `revoked ${String(k.revoked_at)}`
                : k.expires_at
                  ? `expires ${String(k.expires_at)}`
                  : 'active'
            }`,
        )
        .join('\n');
    default:
      return `revoked ${String(body.prefix)}`;
  }
}
