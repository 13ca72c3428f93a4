import type { Request } from 'express';
import { readInboundEmail, senderAllowed, UnreadableEmailError } from '../inbound/inbound-email';
import type { Tenant } from '../tenants/tenants-repository';
import { badRequest, HttpError } from './http-error';
import type { Answer } from './intent-answers';
import type { createIntentService } from './intent-service';

/**
 * An inbound email, signed like every inbound request, becomes an intent
 * from its subject and new body text, once its From address is one of the
 * tenant's `inbound_senders`. It is planned as source `email`: a third
 * party's words, gated as such (see gateIntent).
 */
export async function emailIntent(
  intents: ReturnType<typeof createIntentService>,
  tenant: Tenant,
  req: Request,
  body: Buffer,
  messageId: string,
): Promise<Answer> {
  let email;
  try {
    email = await readInboundEmail(body, req.get('content-type') ?? '');
  } catch (err) {
    if (!(err instanceof UnreadableEmailError)) throw err;
    throw badRequest([{ path: 'body', message: err.message }], 'the email could not be read');
  }
  if (!senderAllowed(email.from, tenant.settings.inbound_senders)) {
    throw new HttpError(
      403,
      'sender_not_allowed',
      tenant.settings.inbound_senders.length
        ? `${email.from ?? 'the sender'} is not one of the tenant's inbound senders`
        : 'the tenant allows no inbound senders yet: an admin lists them in settings.inbound_senders',
      [{ path: 'from', message: 'is not an allowed sender' }],
    );
  }
  if (!email.intent)
    throw badRequest([{ path: 'text', message: 'the email has no subject or text' }]);
  return intents.handle(
    tenant,
    {
      text: email.intent,
      context: { inbound_source: 'email', from: email.from, subject: email.subject },
      dry_run: false,
      source: 'email',
    },
    {
      // A newline cannot stand in a header, so no Idempotency-Key a client sends meets it.
      idempotencyKey: `inbound\nemail\n${messageId}`,
      requestId: String(req.id),
      log: req.log,
    },
  );
}
