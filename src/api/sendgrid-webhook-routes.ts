import express, { Router } from 'express';
import type { Kysely } from 'kysely';
import { findConnection } from '../connections/connections-repository';
import type { Database } from '../db/database';
import { applyDeliveryReport } from '../db/outbox-repository';
import { eventWebhookKey, readSendgridConfig } from '../providers/sendgrid-config';
import {
  deliveryEvents,
  EVENT_WINDOW_SECONDS,
  isSignedBySendgrid,
  MAX_EVENTS,
} from '../providers/sendgrid-events';
import { badRequest, HttpError } from './http-error';

export interface SendgridWebhookRoutesDeps {
  db: Kysely<Database>;
  now: () => Date;
}

/** SendGrid posts batches of events; this is well above what it sends at once. */
export const EVENT_WEBHOOK_BODY_LIMIT = '1mb';

const SIGNATURE = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP = 'x-twilio-email-event-webhook-timestamp';

const unsigned = () =>
  new HttpError(
    401,
    'invalid_signature',
    "the request is not signed by the tenant's SendGrid Event Webhook key within the time window",
  );

/**
 * SendGrid's Event Webhook for one tenant. No API key: SendGrid cannot send
 * one. The request is authenticated by its ECDSA signature under the public
 * key stored with the tenant's SendGrid connection, over the raw body and a
 * timestamp that must be within EVENT_WINDOW_SECONDS of now; every tenant,
 * connection or key problem answers the same 401. Events move only the
 * tenant's own SendGrid messages, and only forward, so a batch SendGrid
 * retries changes nothing the second time.
 *
 * Mounted before the JSON parser: the signature covers the bytes as sent.
 */
export function sendgridWebhookRoutes({ db, now }: SendgridWebhookRoutesDeps): Router {
  const router = Router();
  router.post(
    '/v1/webhooks/sendgrid/:tenant',
    express.raw({ type: () => true, limit: EVENT_WEBHOOK_BODY_LIMIT }),
    async (req, res) => {
      const tenantId = String(req.params.tenant);
      const signature = req.header(SIGNATURE);
      const timestamp = req.header(TIMESTAMP);
      if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) throw unsigned();
      const skew = Math.abs(now().getTime() / 1000 - Number(timestamp));
      if (skew > EVENT_WINDOW_SECONDS) throw unsigned();
      const connection = /^[a-z0-9][a-z0-9_-]{0,62}$/.test(tenantId)
        ? await findConnection(db, tenantId, 'sendgrid')
        : undefined;
      const publicKey = connection && readSendgridConfig(connection.config)?.webhook_public_key;
      if (!publicKey) throw unsigned();
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!isSignedBySendgrid(eventWebhookKey(publicKey), body, signature, timestamp)) {
        throw unsigned();
      }
      let events: unknown;
      try {
        events = JSON.parse(body.toString('utf8'));
      } catch {
        throw badRequest([{ path: '', message: 'is not JSON' }], 'the body is not valid JSON');
      }
      if (!Array.isArray(events) || events.length > MAX_EVENTS) {
        throw badRequest([
          { path: '', message: `must be an array of at most ${MAX_EVENTS} events` },
        ]);
      }
      let updated = 0;
      for (const event of deliveryEvents(events)) {
        const moved = await applyDeliveryReport(db, {
          tenantId,
          provider: 'sendgrid',
          key: event.key,
          vendorMessageId: event.vendorMessageId,
          status: event.status,
          detail: event.detail,
          now: now(),
        });
        if (moved) updated += 1;
      }
      res.json({ received: events.length, updated });
    },
  );
  return router;
}
