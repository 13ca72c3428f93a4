import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventWebhookKey } from '../../src/providers/sendgrid-config';
import { deliveryEvents, isSignedBySendgrid } from '../../src/providers/sendgrid-events';

const pair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

describe('isSignedBySendgrid', () => {
  const { publicKey, privateKey } = pair();
  const key = eventWebhookKey(publicKey.export({ type: 'spki', format: 'der' }).toString('base64'));
  const body = Buffer.from('[{"event":"delivered"}]');
  const signature = sign('sha256', Buffer.concat([Buffer.from('1700000000'), body]), privateKey);

  it('accepts the signature over the timestamp and the raw body', () => {
    expect(isSignedBySendgrid(key, body, signature.toString('base64'), '1700000000')).toBe(true);
  });

  it('refuses another timestamp, another body, another key and garbage', () => {
    const b64 = signature.toString('base64');
    expect(isSignedBySendgrid(key, body, b64, '1700000001')).toBe(false);
    expect(isSignedBySendgrid(key, Buffer.from('[]'), b64, '1700000000')).toBe(false);
    const other = eventWebhookKey(
      pair().publicKey.export({ type: 'spki', format: 'pem' }) as string,
    );
    expect(isSignedBySendgrid(other, body, b64, '1700000000')).toBe(false);
    expect(isSignedBySendgrid(key, body, 'not-base64!!', '1700000000')).toBe(false);
  });

  it('takes only ECDSA P-256 keys', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    expect(() => eventWebhookKey(rsa.export({ type: 'spki', format: 'pem' }) as string)).toThrow();
    expect(() => eventWebhookKey('AAAA')).toThrow();
  });
});

describe('deliveryEvents', () => {
  it('maps delivery events to statuses and skips engagement and junk', () => {
    expect(
      deliveryEvents([
        { event: 'processed', sg_message_id: 'abc.filter1', errand_key: 'w#0' },
        { event: 'deferred', sg_message_id: 'abc.filter1', response: '421 later' },
        { event: 'delivered', sg_message_id: 'abc.filter1' },
        { event: 'bounce', sg_message_id: 'def.f', reason: '550 unknown user' },
        { event: 'dropped', sg_message_id: 'ghi.f', reason: 'Bounced Address' },
        { event: 'open', sg_message_id: 'abc.filter1' },
        { event: 'bounce', sg_message_id: 'nul\u0000.f', reason: 'x'.repeat(1_000) },
        'junk',
        null,
      ]),
    ).toEqual([
      { key: 'w#0', vendorMessageId: 'abc', status: 'sent', detail: 'processed' },
      { key: null, vendorMessageId: 'abc', status: 'sent', detail: 'deferred: 421 later' },
      { key: null, vendorMessageId: 'abc', status: 'delivered', detail: 'delivered' },
      { key: null, vendorMessageId: 'def', status: 'bounced', detail: 'bounce: 550 unknown user' },
      { key: null, vendorMessageId: 'ghi', status: 'failed', detail: 'dropped: Bounced Address' },
      {
        key: null,
        vendorMessageId: 'nul',
        status: 'bounced',
        detail: `bounce: ${'x'.repeat(292)}`,
      },
    ]);
  });
});
