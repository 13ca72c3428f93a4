import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** What `npm start` writes to .errand/credentials.json (mode 0600). */
export interface Credentials {
  tenant?: string;
  key?: string;
  operator_key?: string;
}

export const CREDENTIALS_PATH = '.errand/credentials.json';

/** The credentials file, or nothing when it is missing or unreadable. */
export function readCredentials(path = CREDENTIALS_PATH): Credentials {
  try {
    const parsed = JSON.parse(readFileSync(resolve(path), 'utf8')) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    return {
      tenant: text(parsed.tenant),
      key: text(parsed.key),
      operator_key: text(parsed.operator_key),
    };
  } catch {
    return {};
  }
}

/**
 * The key a command sends: --key, else ERRAND_API_KEY, else the file's
 * operator key (when the command wants the operator) or its tenant key.
 */
export function chooseKey(
  flag: string | undefined,
  env: string | undefined,
  file: Credentials,
  wantOperator: boolean,
): string | undefined {
  return flag ?? env ?? (wantOperator ? (file.operator_key ?? file.key) : file.key);
}
