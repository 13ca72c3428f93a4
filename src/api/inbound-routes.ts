import express, { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database';
import { TENANT_HEADER, verifyInbound } from '../inbound/verify-inbound';
import { timeZone } from '../plan/plan-schema';
import { badRequest, HttpError } from './http-error';
import type { createIntentService } from './intent-service';
import { parseBody } from './parse-body';
import { emailIntent } from './inbound-email-intent';
import { unsafeStrings } from './refuse-unsafe-strings';

export interface InboundRoutesDeps {
  db: Kysely<Database>;
  intents: ReturnType<typeof createIntentService>;
  now: () => Date;
}

/** A form's or a CRM's payload is small; this leaves room for a long description. */
export const INBOUND_BODY_LIMIT = '64kb';
const INBOUND_BODY_BYTES = 64 * 1024;
/** An email with its headers and a little HTML; attachments are not read, and larger mail is refused. */
const INBOUND_EMAIL_LIMIT = '1mb';

const SOURCE = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/**
 * Extra fields are ignored rather than refused: a form or a workflow tool
 * posts whatever it was set up to, and only these are read.
 */
export const inboundBody = z
  .object({
    text: z.string().trim().min(1).max(2000).optional(),
    intent: z.string().trim().min(1).max(2000).optional(),
    user_id: z.string().max(200).optional(),
    timezone: timeZone.optional(),
  })
  .refine((b) => (b.text === undefined) !== (b.intent === undefined), {
    path: ['text'],
    message: 'give the intent in exactly one of text or intent',
  });

/**
 * Intents from third-party systems, signed with the tenant's inbound secret
 * (Standard Webhooks) rather than called with an API key; the tenant is the
 * errand-tenant header. The text is a third party's, so it is planned as
 * source `webhook` and gated like any untrusted text; the sender system
 * (`:source`) is kept in the plan's context as `inbound_source`.
 *
 * The webhook-id is the idempotency key: a relay retrying a message re-signs
 * the same id with a fresh timestamp, and gets the first answer, never a
 * second plan. Only the secret's holder can sign, so a reused id is never a
 * stranger's replay; a stale or re-signed-by-nobody copy fails the signature.
 */
export function inboundRoutes({ db, intents, now }: InboundRoutesDeps): Router {
  const router = Router();
  router.post(
    '/v1/inbound/:source',
    express.raw({ type: () => true, limit: INBOUND_EMAIL_LIMIT }),
    async (req, res) => {
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const { tenant, messageId } = await verifyInbound(
        db,
        {
          tenant: req.header(TENANT_HEADER),
          id: req.header('webhook-id'),
          timestamp: req.header('webhook-timestamp'),
          signature: req.header('webhook-signature'),
        },
        body,
        now(),
      );
      const source = String(req.params.source);
      if (!SOURCE.test(source)) {
        throw badRequest([
          { path: 'source', message: 'must be 1 to 40 lower-case letters, digits, _ or -' },
        ]);
      }
      if (source === 'email') {
        const answer = await emailIntent(intents, tenant, req, body, messageId);
        res.status(answer.status).json(answer.body);
        return;
      }
      if (body.length > INBOUND_BODY_BYTES) {
        throw new HttpError(413, 'payload_too_large', `the body is over ${INBOUND_BODY_LIMIT}`);
      }
      if (!req.is('application/json')) {
        throw new HttpError(415, 'unsupported_media_type', 'the body must be application/json');
      }
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        throw badRequest([{ path: '', message: 'is not JSON' }], 'the body is not valid JSON');
      }
      const unsafe = unsafeStrings(json);
      if (unsafe.length) throw badRequest(unsafe);
      const parsed = parseBody(inboundBody, json);
      const { status, body: out } = await intents
        .handle(
          tenant,
          {
            text: (parsed.text ?? parsed.intent) as string,
            context: { inbound_source: source },
            timezone: parsed.timezone,
            dry_run: false,
            source: 'webhook',
            user_id: parsed.user_id,
          },
          {
            // A newline cannot stand in a header, so no Idempotency-Key a client sends meets it.
            idempotencyKey: `inbound\n${source}\n${messageId}`,
            requestId: String(req.id),
            log: req.log,
          },
        )
        .catch((err: unknown) => {
          // The intent service names the Idempotency-Key header; here the key is the webhook-id.
          if (err instanceof HttpError && err.code === 'idempotency_key_reused') {
            throw new HttpError(
              409,
              'message_id_reused',
              'this webhook-id was already used with a different body',
              [
                {
                  path: 'webhook-id',
                  message: 'was first used with another body; give each message its own id',
                },
              ],
            );
          }
          throw err;
        });
      res.status(status).json(out);
    },
  );
  return router;
}
