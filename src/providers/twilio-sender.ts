import type { Kysely } from 'kysely';
import twilio from 'twilio';
import { InvalidStepError, ProviderConnectionError } from '../activities/errors';
import { setConnectionStatus } from '../connections/connections-repository';
import { openProviderConnection } from './provider-connection';
import type { KeyRing } from '../crypto/key-ring';
import type { Database } from '../db/database';
import {
  insertOutboxOnce,
  markOutboxSent,
  recipientsSent,
  recordRecipientSent,
} from '../db/outbox-repository';
import type { OutboundHttp } from '../net/outbound-http';
import type { DeliveryStatus, MessageSender, OutgoingMessage } from './messages';
import { readTwilioConfig, TWILIO_API_ORIGIN } from './twilio-config';
import { twilioFailure } from './twilio-failure';
import { GuardedTwilioHttpClient } from './twilio-http-client';

export interface TwilioSenderConfig {
  db: Kysely<Database>;
  keyRing: KeyRing;
  /** The guarded client every Twilio request goes through: network policy, time and size caps. */
  outbound: OutboundHttp;
  /** ERRAND_PUBLIC_URL: the base of the status-callback URL; unset, Twilio is not asked to call back. */
  publicUrl?: string;
  now: () => Date;
}

/** The path Twilio posts a tenant's status callbacks to; the key says which outbox row. */
export const twilioCallbackPath = (tenantId: string, key: string) =>
  `/v1/webhooks/twilio/${encodeURIComponent(tenantId)}?key=${encodeURIComponent(key)}`;

/**
 * SMS (Messages.json) and calls (Calls.json, TwiML reading the script) through
 * the tenant's Twilio connection with the official twilio client. The outbox
 * row is written first (its key, `<workflow id>#<step>`, is unique in
 * Postgres): a retried step whose row says `sent` sends nothing, and one that
 * failed part-way skips the numbers whose SID the row already records. Each
 * request asks Twilio to report the delivery to ERRAND_PUBLIC_URL.
 *
 * One client per send: the SDK keeps the credentials on the client.
 */
export function createTwilioSender(config: TwilioSenderConfig): MessageSender {
  const { db } = config;
  return {
    async send(message) {
      const twiml = message.channel === 'call' ? callTwiml(message) : undefined;
      if (message.channel === 'sms' && !message.body) {
        throw new InvalidStepError('an SMS through Twilio needs a message');
      }
      const row = await insertOutboxOnce(db, { ...message, provider: 'twilio' });
      if (row.status !== 'queued') {
        return { message_id: row.id, status: row.status as DeliveryStatus };
      }
      const { connection, settings } = await openProviderConnection(
        { db, keyRing: config.keyRing, tenantId: message.tenant_id },
        'twilio',
        {
          label: 'Twilio',
          secret: 'auth token',
          chosenFor: message.channel === 'call' ? 'calls' : 'SMS',
          setting: message.channel,
        },
        readTwilioConfig,
      );
      // The outbound client checks base_url against the network policy; a refusal is a connection problem.
      const baseUrl = settings.base_url ?? TWILIO_API_ORIGIN;
      const client = twilio(settings.account_sid, connection.secret, {
        httpClient: new GuardedTwilioHttpClient(config.outbound, baseUrl),
      });
      const statusCallback = config.publicUrl
        ? `${config.publicUrl}${twilioCallbackPath(message.tenant_id, message.idempotency_key)}`
        : undefined;
      const sent = recipientsSent(row);
      for (const to of message.recipients) {
        if (sent[to]) continue;
        let sid: string;
        try {
          const created = twiml
            ? await client.calls.create({ to, from: settings.from, twiml, statusCallback })
            : await client.messages.create({
                to,
                from: settings.from,
                body: message.body!,
                statusCallback,
              });
          sid = String(created.sid).slice(0, 64);
        } catch (err) {
          const failure = twilioFailure(err);
          if (failure instanceof ProviderConnectionError) {
            await setConnectionStatus(db, {
              tenantId: message.tenant_id,
              provider: 'twilio',
              status: 'failing',
              lastError: failure.message,
              now: config.now(),
            });
          }
          throw failure;
        }
        await recordRecipientSent(db, { id: row.id, recipient: to, vendorMessageId: sid });
        sent[to] = sid;
      }
      if (connection.status !== 'connected') {
        await setConnectionStatus(db, {
          tenantId: message.tenant_id,
          provider: 'twilio',
          status: 'connected',
          lastError: null,
          now: config.now(),
        });
      }
      const done = await markOutboxSent(db, {
        id: row.id,
        provider: 'twilio',
        vendorMessageId: sent[message.recipients[0]!] ?? null,
        now: config.now(),
      });
      return { message_id: done.id, status: done.status as DeliveryStatus };
    },
  };
}

/** What Twilio does when the call is answered: read the script, built by the SDK's TwiML builder. */
function callTwiml(message: OutgoingMessage): string {
  if (!message.body) {
    throw new InvalidStepError(
      'a call through Twilio needs a script: Twilio reads it to whoever answers',
    );
  }
  const response = new twilio.twiml.VoiceResponse();
  response.say(message.body);
  return response.toString();
}
