import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Config } from '../config';
import type { ApiTarget } from './api-client';
import { chooseKey, readCredentials } from './credentials';
import { EXIT } from './exit-codes';
import type { CliIo } from './plan-command';

/** What every operator command takes. */
export const COMMON_OPTIONS = {
  api: { type: 'string' },
  key: { type: 'string' },
  credentials: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export const COMMON_USAGE = `common: [--api URL] [--key KEY] [--credentials FILE] [--json]; the key is --key, else ERRAND_API_KEY, else FILE's (.errand/credentials.json)`;

/** What an operator command needs besides its own arguments. */
export type CliConfig = Pick<Config, 'HOST' | 'PORT' | 'ERRAND_API_KEY'>;

/** The IO of a command that calls the API: the plan command's, and a signal Ctrl-C aborts. */
export interface ApiIo extends CliIo {
  signal?: AbortSignal;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's arguments, or prints why they are wrong (answering undefined). */
export function parseCommand<O extends Options>(
  args: string[],
  options: O,
  usage: string,
  io: CliIo,
) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...COMMON_OPTIONS, ...options },
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n${usage}`);
    return undefined;
  }
}

/** The API and key the common options name. */
export function targetOf(
  values: { api?: string; key?: string; credentials?: string },
  config: CliConfig,
  io: ApiIo,
): ApiTarget {
  return {
    base: values.api ?? `http://${config.HOST}:${config.PORT}`,
    key: chooseKey(values.key, config.ERRAND_API_KEY, readCredentials(values.credentials), false),
    fetch: io.fetch,
    signal: io.signal,
  };
}

/** A --limit value: a whole number from 1 to 200, as the API's lists take. */
export function limitOf(text: string | undefined): number | undefined | Error {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 200
    ? n
    : new Error(`--limit must be a whole number from 1 to 200, not "${text}"`);
}

/** Prints what is wrong with the arguments and the usage; answers EXIT.usage. */
export function usageError(io: CliIo, message: string, usage: string): number {
  io.err(`${message}\n${usage}`);
  return EXIT.usage;
}
