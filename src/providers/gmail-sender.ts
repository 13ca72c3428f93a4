import { google } from 'googleapis';
import type { Kysely } from 'kysely';
import MailComposer from 'nodemailer/lib/mail-composer';
import { MessageRejectedError } from '../activities/errors';
import type { Database } from '../db/database';
import { insertOutboxOnce, markOutboxSent } from '../db/outbox-repository';
import type { GoogleAuth } from './google-auth';
import { googleTransport, type GoogleConfig } from './google-config';
import type { DeliveryStatus, MessageSender, OutgoingMessage } from './messages';

export interface GmailSenderDeps {
  db: Kysely<Database>;
  auth: GoogleAuth;
  google: GoogleConfig;
  now: () => Date;
}

/** Gmail takes messages of up to 35 MB; Errand's are text, far below this. */
const MAX_RAW_BYTES = 1_048_576;

/**
 * Email through the tenant's Gmail (users.messages.send, as the granted
 * account: Gmail sets From). The outbox row is written first, keyed
 * `<workflow id>#<step>` and unique in Postgres, so a retried step whose row
 * already says `sent` sends nothing; the MIME is built by nodemailer's
 * MailComposer, with the step's key in a header of its own.
 */
export function createGmailSender(deps: GmailSenderDeps): MessageSender {
  const { db } = deps;
  const transport = googleTransport(deps.google);
  return {
    async send(message) {
      const row = await insertOutboxOnce(db, { ...message, provider: 'gmail' });
      if (row.status !== 'queued') {
        return { message_id: row.id, status: row.status as DeliveryStatus };
      }
      const raw = await mime(message);
      const sent = await deps.auth.run(
        message.tenant_id,
        'gmail',
        (text) => new MessageRejectedError(text),
        async (auth) => {
          const gmail = google.gmail({
            version: 'v1',
            auth,
            ...(deps.google.apiRootUrl ? { rootUrl: deps.google.apiRootUrl } : {}),
            ...transport,
          });
          const answer = await gmail.users.messages.send({
            userId: 'me',
            requestBody: { raw: raw.toString('base64url') },
          });
          return answer.data;
        },
      );
      const marked = await markOutboxSent(db, {
        id: row.id,
        provider: 'gmail',
        vendorMessageId: sent.id ? sent.id.slice(0, 200) : null,
        now: deps.now(),
      });
      return { message_id: marked.id, status: marked.status as DeliveryStatus };
    },
  };
}

async function mime(message: OutgoingMessage): Promise<Buffer> {
  const subject = message.subject || '(no subject)';
  const raw = await new MailComposer({
    to: message.recipients,
    subject,
    text: message.body || subject,
    headers: { 'X-Errand-Key': message.idempotency_key },
  })
    .compile()
    .build();
  if (raw.length > MAX_RAW_BYTES) {
    throw new MessageRejectedError(`the message is ${raw.length} bytes, more than Gmail is sent`);
  }
  return raw;
}
