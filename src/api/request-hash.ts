import { createHash } from 'node:crypto';

/** JSON with every object's keys sorted and undefined members left out, so equal bodies print alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The sha256 (hex) of a request body's canonical JSON: what an
 * Idempotency-Key is bound to, so a key reused with another body is refused.
 *
 * @example requestHash({ b: 1, a: 2 }) === requestHash({ a: 2, b: 1 })
 */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}
