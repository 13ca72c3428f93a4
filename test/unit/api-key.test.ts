import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (original) => {
  const real = await original<typeof crypto>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const { generateKey, hashKey, parseKeyId, sameHash, sameSecret } =
  await import('../../src/auth/api-key');

describe('API keys', () => {
  it('have the ek_<12 hex>_<43 base64url> shape, a parsable id and a 32-byte secret', () => {
    const made = generateKey();
    expect(made.key).toMatch(/^ek_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(made.prefix).toBe(`ek_${made.id}`);
    expect(parseKeyId(made.key)).toBe(made.id);
    expect(Buffer.from(made.key.slice(16), 'base64url')).toHaveLength(32);
    expect(generateKey().key).not.toBe(made.key);
  });

  it.each([
    '',
    'ek_',
    'ek_0123456789ab',
    `ek_0123456789AB_${'a'.repeat(43)}`,
    `ek_0123456789ab_${'a'.repeat(42)}`,
    `ek_0123456789ab_${'a'.repeat(43)}x`,
    `xk_0123456789ab_${'a'.repeat(43)}`,
    `ek_0123456789ab_${'a'.repeat(42)}=`,
  ])('refuses the malformed key %j', (key) => {
    expect(parseKeyId(key)).toBeUndefined();
  });

  it('hash under the pepper, and compare hashes and secrets with crypto.timingSafeEqual', () => {
    const { key } = generateKey();
    expect(hashKey(key, 'p'.repeat(32))).not.toBe(hashKey(key, 'q'.repeat(32)));
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    const h = hashKey(key, 'p'.repeat(32));
    expect(sameHash(h, h)).toBe(true);
    expect(sameHash(h, hashKey(`${key}x`, 'p'.repeat(32)))).toBe(false);
    expect(sameSecret('s'.repeat(40), 's'.repeat(40), 'pepper')).toBe(true);
    expect(sameSecret('s'.repeat(40), 's'.repeat(39), 'pepper')).toBe(false);
    expect(spy).toHaveBeenCalledTimes(4);
  });
});
