import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM keys by id. The first key seals; every key opens, so a key is
 * rotated by putting a new one first and keeping the old ones until nothing
 * sealed under them is left.
 */
export interface KeyRing {
  readonly current: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** A sealed value: the id of the key that sealed it, and iv (12 bytes) | ciphertext | tag (16 bytes). */
export interface Sealed {
  kid: string;
  data: Buffer;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Thrown when a key ring's text is malformed; the message says which entry and why. */
export class KeyRingError extends Error {
  override name = 'KeyRingError';
}

/** Thrown when a value cannot be opened: an unknown key id, or data that is not what was sealed. */
export class OpenError extends Error {
  override name = 'OpenError';
}

/**
 * Reads `kid:base64key[,kid:base64key...]` (as ERRAND_ENCRYPTION_KEYS holds it);
 * each key is 32 random bytes in base64, the first one seals.
 *
 * @example parseKeyRing('k2:' + newKey() + ',k1:' + oldKey)
 */
export function parseKeyRing(text: string): KeyRing {
  const keys = new Map<string, Buffer>();
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) throw new KeyRingError('no keys: expected kid:base64key[,...]');
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const kid = colon > 0 ? entry.slice(0, colon) : '';
    if (!KID.test(kid)) {
      throw new KeyRingError(`entry ${index + 1}: expected kid:base64key, kid of [A-Za-z0-9_.-]`);
    }
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== 32) {
      throw new KeyRingError(`key ${kid}: must be 32 bytes in base64 (got ${key.length})`);
    }
    if (keys.has(kid)) throw new KeyRingError(`key ${kid}: given twice`);
    keys.set(kid, key);
  }
  return { current: entries[0]!.slice(0, entries[0]!.indexOf(':')), keys };
}

/** A new random key in base64, for a key ring's text. */
export function newKey(): string {
  return randomBytes(32).toString('base64');
}

/** Seals `plaintext` under the ring's current key; `aad` binds it to a context (a tenant, a row). */
export function seal(ring: KeyRing, plaintext: Uint8Array, aad?: Uint8Array): Sealed {
  const key = ring.keys.get(ring.current)!;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (aad) cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { kid: ring.current, data: Buffer.concat([iv, body, cipher.getAuthTag()]) };
}

/** Opens what `seal` made, with the same `aad`; throws OpenError for anything else. */
export function open(ring: KeyRing, sealed: Sealed, aad?: Uint8Array): Buffer {
  const key = ring.keys.get(sealed.kid);
  if (!key) throw new OpenError(`no key with id ${sealed.kid}`);
  if (sealed.data.length < IV_BYTES + TAG_BYTES) throw new OpenError('sealed data is too short');
  const iv = sealed.data.subarray(0, IV_BYTES);
  const tag = sealed.data.subarray(sealed.data.length - TAG_BYTES);
  const body = sealed.data.subarray(IV_BYTES, sealed.data.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new OpenError(`the data does not open under key ${sealed.kid}`);
  }
}
