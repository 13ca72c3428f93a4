import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/** SendGrid's global API host; its EU region is https://api.eu.sendgrid.com. */
export const SENDGRID_BASE_URL = 'https://api.sendgrid.com';

/** What a SendGrid connection keeps beside its API key; nothing here is secret. */
export interface SendgridConfig {
  /** The API host; null: SendGrid's global one. */
  base_url: string | null;
  /** The verified sender every email goes out from. */
  from: string;
  /** The Event Webhook's verification key (base64 DER, as SendGrid shows it), or null: no events accepted. */
  webhook_public_key: string | null;
}

const stored = z.object({
  base_url: z.string().nullable().default(null),
  from: z.string(),
  webhook_public_key: z.string().nullable().default(null),
});

/** Reads a stored connection's config; undefined when it is not a SendGrid one. */
export function readSendgridConfig(raw: unknown): SendgridConfig | undefined {
  const parsed = stored.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The Event Webhook's verification key as node:crypto reads it: SendGrid shows
 * an ECDSA P-256 key as base64 of its DER SubjectPublicKeyInfo; PEM is taken too.
 * Throws when the text is not such a key.
 */
export function eventWebhookKey(text: string): KeyObject {
  const key = text.includes('BEGIN PUBLIC KEY')
    ? createPublicKey(text)
    : createPublicKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('is not an ECDSA P-256 public key');
  }
  return key;
}
