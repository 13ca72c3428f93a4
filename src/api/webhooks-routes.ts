import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isUuid } from '../db/calendar-repository';
import type { Database } from '../db/database';
import { outboundUrlProblem } from '../net/url-policy';
import {
  DELIVERY_STATES,
  listDeliveries,
  type AttemptRow,
  type DeliveryRow,
} from '../webhooks/deliveries-repository';
import {
  createSubscription,
  deleteSubscription,
  findSubscription,
  listSubscriptions,
  MAX_SUBSCRIPTIONS,
  setSubscriptionPaused,
  TooManySubscriptionsError,
  type SubscriptionRow,
} from '../webhooks/subscriptions-repository';
import { ALL_EVENTS, WEBHOOK_EVENT_TYPES, webhookEventId } from '../webhooks/webhook-events';
import { badRequest, HttpError, notFound } from './http-error';
import { decodeCursor, limitParam, page, parseQuery } from './pagination';
import { parseBody } from './parse-body';
import { requireJson } from './require-json';
import { principalOf, tenantOf } from './tenant-context';

export const subscriptionBody = z.strictObject({
  url: z.string().trim().min(1).max(2_000),
  events: z
    .array(z.enum([ALL_EVENTS, ...WEBHOOK_EVENT_TYPES]))
    .min(1)
    .max(WEBHOOK_EVENT_TYPES.length + 1)
    .transform((events) => [...new Set(events)]),
  description: z.string().trim().min(1).max(200).nullable().default(null),
});

export const listQuery = z.strictObject({
  limit: limitParam,
  cursor: z.string().max(200).optional(),
});
export const deliveriesQuery = z.strictObject({
  state: z.enum(DELIVERY_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .regex(/^\d{1,19}$/, 'is not a cursor this API returned')
    .optional(),
});

function view(row: SubscriptionRow, withSecret = false) {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    status: row.paused_at ? 'paused' : 'active',
    paused_at: row.paused_at?.toISOString() ?? null,
    // The key to verify deliveries with: shown to admins on creation and on GET of the one subscription.
    ...(withSecret && { secret: row.secret }),
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function deliveryView({ delivery, attempts }: { delivery: DeliveryRow; attempts: AttemptRow[] }) {
  return {
    id: delivery.id,
    event_id: webhookEventId(delivery.event_id),
    type: delivery.event_type,
    state: delivery.state,
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      at: a.attempted_at.toISOString(),
      status: a.status,
      error: a.error,
      response: a.response_excerpt,
      duration_ms: a.duration_ms,
    })),
    last_error: delivery.last_error,
    delivered_at: delivery.delivered_at?.toISOString() ?? null,
    created_at: delivery.created_at.toISOString(),
  };
}

/**
 * A tenant's event webhooks: subscribe a URL to plan events and
 * `reminder_fired`, see every delivery and its attempts, pause, resume and
 * delete. Deliveries are signed (Standard Webhooks) with the subscription's
 * own secret and retried durably; see the README's "Event webhooks".
 */
export function webhooksRoutes(deps: { db: Kysely<Database>; allowPrivateNetwork: boolean }) {
  const { db } = deps;
  const router = Router();
  const found = async (tenantId: string, id: string) => {
    const row = isUuid(id) ? await findSubscription(db, tenantId, id) : undefined;
    if (!row) throw notFound('webhook subscription');
    return row;
  };

  router.post('/v1/webhooks', requireJson, async (req, res) => {
    const body = parseBody(subscriptionBody, req.body);
    const problem = outboundUrlProblem(body.url, { allowPrivateNetwork: deps.allowPrivateNetwork });
    if (problem) throw badRequest([{ path: 'url', message: problem }]);
    const principal = principalOf(res);
    try {
      const row = await createSubscription(db, tenantOf(res).id, {
        ...body,
        createdBy: principal.kind === 'operator' ? 'operator' : (principal.user ?? principal.name),
      });
      res.status(201).json(view(row, true));
    } catch (err) {
      if (!(err instanceof TooManySubscriptionsError)) throw err;
      throw new HttpError(
        409,
        'too_many_webhooks',
        `a tenant may hold ${MAX_SUBSCRIPTIONS} webhook subscriptions; delete one first`,
      );
    }
  });

  router.get('/v1/webhooks', async (req, res) => {
    const query = parseQuery(listQuery, req.query);
    const before = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await listSubscriptions(db, tenantOf(res).id, query.limit, before);
    res.json(page(rows, query.limit, (row) => view(row)));
  });

  router.get('/v1/webhooks/:id', async (req, res) => {
    res.json(view(await found(tenantOf(res).id, req.params.id), true));
  });

  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    router.post(`/v1/webhooks/:id/${action}`, requireJson, async (req, res) => {
      const tenantId = tenantOf(res).id;
      const { id } = await found(tenantId, String(req.params.id));
      const row = await setSubscriptionPaused(db, tenantId, id, paused);
      if (!row) throw notFound('webhook subscription');
      res.json(view(row));
    });
  }

  router.delete('/v1/webhooks/:id', async (req, res) => {
    const tenantId = tenantOf(res).id;
    await found(tenantId, req.params.id);
    await deleteSubscription(db, tenantId, req.params.id);
    res.status(204).end();
  });

  router.get('/v1/webhooks/:id/deliveries', async (req, res) => {
    const tenantId = tenantOf(res).id;
    const query = parseQuery(deliveriesQuery, req.query);
    await found(tenantId, req.params.id);
    const rows = await listDeliveries(db, tenantId, req.params.id, {
      state: query.state,
      limit: query.limit,
      before: query.cursor,
    });
    const last = rows.length === query.limit ? rows[rows.length - 1] : undefined;
    res.json({ data: rows.map(deliveryView), next_cursor: last?.delivery.id ?? null });
  });
  return router;
}
