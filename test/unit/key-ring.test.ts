import { describe, expect, it } from 'vitest';
import { newKey, open, OpenError, parseKeyRing, seal } from '../../src/crypto/key-ring';

describe('key ring (AES-256-GCM)', () => {
  const k1 = newKey();
  const k2 = newKey();

  it('seals under the first key and opens under any key of the ring', () => {
    const old = parseKeyRing(`k1:${k1}`);
    const sealed = seal(old, Buffer.from('john@example.com'));
    expect(sealed.kid).toBe('k1');
    expect(sealed.data.includes(Buffer.from('john'))).toBe(false);
    const rotated = parseKeyRing(`k2:${k2}, k1:${k1}`);
    expect(rotated.current).toBe('k2');
    expect(open(rotated, sealed).toString()).toBe('john@example.com');
    expect(seal(rotated, Buffer.from('x')).kid).toBe('k2');
  });

  it('uses a new iv each time', () => {
    const ring = parseKeyRing(`k1:${k1}`);
    const a = seal(ring, Buffer.from('same'));
    const b = seal(ring, Buffer.from('same'));
    expect(a.data.equals(b.data)).toBe(false);
  });

  it('refuses an unknown key id, a changed byte, a wrong aad and short data', () => {
    const ring = parseKeyRing(`k1:${k1}`);
    const aad = Buffer.from('tenant-a');
    const sealed = seal(ring, Buffer.from('secret'), aad);
    expect(open(ring, sealed, aad).toString()).toBe('secret');
    expect(() => open(ring, { ...sealed, kid: 'k9' }, aad)).toThrow(OpenError);
    const changed = Buffer.from(sealed.data);
    changed[14] = changed[14]! ^ 1;
    expect(() => open(ring, { kid: 'k1', data: changed }, aad)).toThrow(OpenError);
    expect(() => open(ring, sealed, Buffer.from('tenant-b'))).toThrow(OpenError);
    expect(() => open(ring, sealed)).toThrow(OpenError);
    expect(() => open(ring, { kid: 'k1', data: Buffer.alloc(20) })).toThrow(OpenError);
  });

  it.each([
    ['', /no keys/],
    ['k1', /expected kid:base64key/],
    [':abc', /expected kid:base64key/],
    ['k1:c2hvcnQ=', /32 bytes/],
    [`k1:${k1},k1:${k2}`, /given twice/],
    [`bad kid:${k1}`, /expected kid/],
  ])('refuses the ring %j', (text, message) => {
    expect(() => parseKeyRing(text)).toThrow(message);
  });
});
