import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const ROLES = ['viewer', 'submitter', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Used when ERRAND_KEY_PEPPER is unset, so a development deployment works with
 * nothing configured; production sets its own, so a copy of the database alone
 * does not let anyone test guessed keys.
 */
export const BUILT_IN_PEPPER = 'errand-built-in-pepper-set-ERRAND_KEY_PEPPER-in-production';

const KEY_PATTERN = /^ek_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewKey {
  id: string;
  /** The whole key, shown once. */
  key: string;
  /** What lists show: `ek_<id>`. */
  prefix: string;
}

export function generateKey(): NewKey {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, key: `ek_${id}_${secret}`, prefix: prefixOf(id) };
}

export const prefixOf = (id: string) => `ek_${id}`;

/** The key's id, or undefined when it is not shaped like an Errand key. */
export function parseKeyId(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

export function hashKey(key: string, pepper: string): string {
  return createHmac('sha256', pepper).update(key).digest('hex');
}

/** Constant-time, so how long a refusal takes says nothing about how much of the hash matched. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Compares a presented secret with a configured one (the operator key) in constant time. */
export function sameSecret(presented: string, expected: string, pepper: string): boolean {
  return sameHash(hashKey(presented, pepper), hashKey(expected, pepper));
}
