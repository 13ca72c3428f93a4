import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { newKey, parseKeyRing } from './crypto/key-ring';

/**
 * `npm start`'s encryption key ring when ERRAND_ENCRYPTION_KEYS is unset: kept in
 * `path` (mode 0600) so what was sealed yesterday still opens today, made on first use.
 */
export function ensureDevEncryptionKeys(path: string): string {
  try {
    const text = readFileSync(path, 'utf8').trim();
    parseKeyRing(text);
    return text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const text = `dev1:${newKey()}`;
  writeFileSync(path, `${text}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return text;
}
