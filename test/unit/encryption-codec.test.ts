import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { newKey, OpenError, parseKeyRing } from '../../src/crypto/key-ring';
import { ENCRYPTED_ENCODING, EncryptionCodec } from '../../src/temporal/encryption-codec';

const k1 = `k1:${newKey()}`;
const k2 = `k2:${newKey()}`;
const text = (p: Payload) => Buffer.from(p.data ?? []).toString('utf8');
const encodingOf = (p: Payload) => Buffer.from(p.metadata?.encoding ?? []).toString('utf8');
const input = {
  to: ['ada@example.com'],
  body: 'The launch moved to Friday',
};

describe('EncryptionCodec', () => {
  it('seals a payload, metadata and all, and opens it to the same bytes', async () => {
    const codec = new EncryptionCodec(parseKeyRing(k1));
    const plain = defaultPayloadConverter.toPayload(input);
    const [sealed] = await codec.encode([plain]);
    expect(encodingOf(sealed!)).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(sealed!.metadata!['encryption-key-id']!).toString()).toBe('k1');
    expect(Object.keys(sealed!.metadata!).sort()).toEqual(['encoding', 'encryption-key-id']);
    expect(text(sealed!)).not.toContain('ada@example.com');
    expect(text(sealed!)).not.toContain('json/plain');
    const [opened] = await codec.decode([sealed!]);
    expect(Buffer.from(opened!.data!)).toEqual(Buffer.from(plain.data!));
    expect(encodingOf(opened!)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(input);
  });

  it('seals the same payload differently each time (a fresh IV)', async () => {
    const codec = new EncryptionCodec(parseKeyRing(k1));
    const plain = defaultPayloadConverter.toPayload(input);
    const [a, b] = await codec.encode([plain, plain]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('passes unencrypted payloads through on decode, as old histories hold them', async () => {
    const codec = new EncryptionCodec(parseKeyRing(k1));
    const plain = [
      defaultPayloadConverter.toPayload(input),
      defaultPayloadConverter.toPayload(null),
    ];
    expect(await codec.decode(plain)).toEqual(plain);
  });

  it('opens what k1 sealed after k2 becomes the sealing key, and seals new payloads under k2', async () => {
    const before = new EncryptionCodec(parseKeyRing(k1));
    const after = new EncryptionCodec(parseKeyRing(`${k2},${k1}`));
    const [old] = await before.encode([defaultPayloadConverter.toPayload(input)]);
    expect(defaultPayloadConverter.fromPayload((await after.decode([old!]))[0]!)).toEqual(input);
    const [fresh] = await after.encode([defaultPayloadConverter.toPayload(input)]);
    expect(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString()).toBe('k2');
    await expect(before.decode([fresh!])).rejects.toThrow(OpenError);
  });

  it('refuses changed data, a changed key id and a key it does not hold', async () => {
    const codec = new EncryptionCodec(parseKeyRing(k1));
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(input)]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...sealed!, data: flipped }])).rejects.toThrow(OpenError);
    const otherKid = { ...sealed!.metadata!, 'encryption-key-id': Buffer.from('k2') };
    await expect(codec.decode([{ ...sealed!, metadata: otherKid }])).rejects.toThrow(
      'no key with id k2',
    );
    const stranger = new EncryptionCodec(parseKeyRing(`k1:${newKey()}`));
    await expect(stranger.decode([sealed!])).rejects.toThrow(OpenError);
  });

  it('leaves a readable summary plain, and seals any other string', async () => {
    const codec = new EncryptionCodec(parseKeyRing(k1));
    const summary = defaultPayloadConverter.toPayload('book_meeting → send_email');
    const intent = defaultPayloadConverter.toPayload('Book a demo with ada@example.com');
    const [a, b] = await codec.encode([summary, intent]);
    expect(a).toEqual(summary);
    expect(encodingOf(b!)).toBe(ENCRYPTED_ENCODING);
  });
});
