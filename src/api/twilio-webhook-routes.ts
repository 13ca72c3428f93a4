import express, { Router } from 'express';
import type { Kysely } from 'kysely';
import twilio from 'twilio';
import { openConnection } from '../connections/connections-repository';
import type { KeyRing } from '../crypto/key-ring';
import type { Database } from '../db/database';
import { applyDeliveryReport } from '../db/outbox-repository';
import { readTwilioConfig } from '../providers/twilio-config';
import { twilioStatusReport } from '../providers/twilio-status';
import { HttpError } from './http-error';

export interface TwilioWebhookRoutesDeps {
  db: Kysely<Database>;
  keyRing?: KeyRing;
  /** ERRAND_PUBLIC_URL: the address Twilio was told to call, which its signature covers. */
  publicUrl?: string;
  now: () => Date;
}

/** A status callback is about a kilobyte of form fields. */
export const STATUS_CALLBACK_BODY_LIMIT = '16kb';
const KEY_CHARS = 300;

const unsigned = () =>
  new HttpError(
    401,
    'invalid_signature',
    "the request is not signed with the auth token of the tenant's Twilio connection",
  );

/**
 * Twilio's status callbacks for one tenant's SMS and calls. No API key:
 * Twilio cannot send one. X-Twilio-Signature is checked with the SDK's
 * validateRequest against the tenant's auth token, over the URL Twilio was
 * given (ERRAND_PUBLIC_URL and this path, with the message's outbox key) and
 * the form fields; every tenant, connection or signature problem answers the
 * same 401. A report moves only that tenant's Twilio message, and only
 * forward, so a callback Twilio repeats changes nothing the second time.
 *
 * Mounted before the JSON parser, with a bounded form parser of its own.
 */
export function twilioWebhookRoutes(deps: TwilioWebhookRoutesDeps): Router {
  const router = Router();
  router.post(
    '/v1/webhooks/twilio/:tenant',
    express.urlencoded({ extended: false, limit: STATUS_CALLBACK_BODY_LIMIT, parameterLimit: 100 }),
    async (req, res) => {
      const tenantId = String(req.params.tenant);
      const signature = req.header('x-twilio-signature');
      const key = req.query.key;
      if (!signature || !deps.publicUrl || !deps.keyRing) throw unsigned();
      if (typeof key !== 'string' || !key || key.length > KEY_CHARS) throw unsigned();
      if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(tenantId)) throw unsigned();
      const connection = await openConnection(deps.db, deps.keyRing, tenantId, 'twilio').catch(
        () => undefined,
      );
      const settings = connection && readTwilioConfig(connection.config);
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (!connection || !settings) throw unsigned();
      const url = `${deps.publicUrl}${req.originalUrl}`;
      if (!twilio.validateRequest(connection.secret, signature, url, body)) throw unsigned();
      if (body.AccountSid !== settings.account_sid) throw unsigned();
      const report = twilioStatusReport(body);
      const moved =
        report !== undefined &&
        (await applyDeliveryReport(deps.db, {
          tenantId,
          provider: 'twilio',
          key,
          vendorMessageId: report.vendorMessageId,
          status: report.status,
          detail: report.detail,
          now: deps.now(),
        }));
      res.json({ received: true, updated: moved ? 1 : 0 });
    },
  );
  return router;
}
