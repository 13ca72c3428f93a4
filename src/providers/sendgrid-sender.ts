import http from 'node:http';
import https from 'node:https';
import { Client } from '@sendgrid/client';
import type { ClientRequest } from '@sendgrid/client/src/request';
import { MailService } from '@sendgrid/mail';
import type { Kysely } from 'kysely';
import { ProviderConnectionError } from '../activities/errors';
import { setConnectionStatus } from '../connections/connections-repository';
import { openProviderConnection } from './provider-connection';
import type { KeyRing } from '../crypto/key-ring';
import type { Database } from '../db/database';
import { insertOutboxOnce, markOutboxSent } from '../db/outbox-repository';
import type { NetworkPolicy } from '../net/address-policy';
import { guardedLookup, systemResolver, type Resolver } from '../net/guarded-lookup';
import { outboundUrlProblem } from '../net/url-policy';
import type { DeliveryStatus, MessageSender, OutgoingMessage } from './messages';
import { readSendgridConfig, SENDGRID_BASE_URL } from './sendgrid-config';
import { SENDGRID_KEY_ARG } from './sendgrid-events';
import { sendgridFailure } from './sendgrid-failure';

/** SendGrid answers /v3/mail/send with an empty 202 or a short error: more than this is not SendGrid. */
const MAX_ANSWER_BYTES = 65_536;

export interface SendgridSenderConfig extends NetworkPolicy {
  db: Kysely<Database>;
  keyRing: KeyRing;
  /** The whole of one call to SendGrid, below the delivery step's 20 s start-to-close timeout. */
  timeoutMs: number;
  now: () => Date;
  /** Tests resolve names their own way; the default is the system resolver. */
  resolve?: Resolver;
}

/**
 * Email through the tenant's SendGrid connection, with the real @sendgrid/mail
 * client. The outbox row is written first (its key, `<workflow id>#<step>`, is
 * unique in Postgres), so a retried step whose row already says `sent` sends
 * nothing; otherwise the message goes to SendGrid carrying that key as a custom
 * argument, and the row records `sent` and SendGrid's X-Message-Id.
 *
 * One client per call: the SDK keeps the API key and base URL on the client,
 * so a shared one would carry one tenant's key into another's send.
 */
export function createSendgridSender(config: SendgridSenderConfig): MessageSender {
  const { db } = config;
  const lookup = guardedLookup(config, config.resolve ?? systemResolver);

  return {
    async send(message) {
      const row = await insertOutboxOnce(db, { ...message, provider: 'sendgrid' });
      if (row.status !== 'queued') {
        return { message_id: row.id, status: row.status as DeliveryStatus };
      }
      const { connection, settings } = await openProviderConnection(
        { db, keyRing: config.keyRing, tenantId: message.tenant_id },
        'sendgrid',
        { label: 'SendGrid', secret: 'key', chosenFor: 'email', setting: 'email' },
        readSendgridConfig,
      );
      const baseUrl = settings.base_url ?? SENDGRID_BASE_URL;
      const problem = outboundUrlProblem(baseUrl, config);
      if (problem) {
        throw new ProviderConnectionError(
          `SendGrid's base_url ${problem}; fix it with PUT /v1/connections/sendgrid`,
        );
      }
      const mail = mailService(connection.secret, baseUrl, lookup, config.timeoutMs);
      let vendorMessageId: string | null;
      try {
        const [response] = await mail.send(mailData(message, settings.from));
        const id = response.headers['x-message-id'];
        vendorMessageId = typeof id === 'string' && id ? id.slice(0, 200) : null;
      } catch (err) {
        const failure = sendgridFailure(err, config.now());
        if (failure instanceof ProviderConnectionError) {
          await setConnectionStatus(db, {
            tenantId: message.tenant_id,
            provider: 'sendgrid',
            status: 'failing',
            lastError: failure.message,
            now: config.now(),
          });
        }
        throw failure;
      }
      if (connection.status !== 'connected') {
        await setConnectionStatus(db, {
          tenantId: message.tenant_id,
          provider: 'sendgrid',
          status: 'connected',
          lastError: null,
          now: config.now(),
        });
      }
      const sent = await markOutboxSent(db, {
        id: row.id,
        provider: 'sendgrid',
        vendorMessageId,
        now: config.now(),
      });
      return { message_id: sent.id, status: sent.status as DeliveryStatus };
    },
  };
}

function mailService(
  apiKey: string,
  baseUrl: string,
  lookup: ReturnType<typeof guardedLookup>,
  timeoutMs: number,
): MailService {
  const client = new Client();
  client.setApiKey(apiKey);
  // setApiKey resets the base URL to the global host, so the tenant's comes after it.
  client.setDefaultRequest('baseUrl', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  // Axios options the SDK passes through: the network policy at connect time (a
  // fresh connection per call, so every call is looked up again), no proxy from
  // the environment around it, no redirects, capped answers and a time limit.
  const agent = { lookup, keepAlive: false };
  client.setDefaultRequest({
    httpAgent: new http.Agent(agent),
    httpsAgent: new https.Agent(agent),
    proxy: false,
    maxRedirects: 0,
    maxContentLength: MAX_ANSWER_BYTES,
    timeout: timeoutMs,
  } as unknown as ClientRequest);
  const mail = new MailService();
  mail.setClient(client);
  return mail;
}

function mailData(message: OutgoingMessage, from: string) {
  const subject = message.subject || '(no subject)';
  return {
    to: message.recipients,
    from,
    subject,
    text: message.body || subject,
    customArgs: { [SENDGRID_KEY_ARG]: message.idempotency_key },
  };
}
