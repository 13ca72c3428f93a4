import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isUuid } from '../db/calendar-repository';
import type { Database, OutboxRow } from '../db/database';
import { applyRelayReport, findOutboxMessage, listOutbox } from '../db/outbox-repository';
import { postgresSafeText } from '../plan/postgres-safe';
import { HttpError, notFound } from './http-error';
import { parseBody } from './parse-body';
import { requireJson } from './require-json';
import { decodeCursor, limitParam, page, parseQuery } from './pagination';
import { canSeeFromPlan, narrowedTo } from './plan-visibility';
import { principalOf, tenantOf } from './tenant-context';

export const outboxQuery = z.strictObject({
  channel: z.enum(['email', 'sms', 'call', 'campaign', 'automation', 'notification']).optional(),
  plan_id: z.uuid().optional(),
  limit: limitParam,
  cursor: z.string().max(500).optional(),
});

export const deliveryBody = z.strictObject({
  status: z.enum(['sent', 'delivered', 'failed']),
  vendor_message_id: z.string().min(1).max(200).optional(),
  detail: z.string().max(300).optional(),
});

/** Every message sent for the tenant, through whichever provider, and where its delivery stands; newest first. */
export function outboxRoutes(db: Kysely<Database>, now: () => Date = () => new Date()): Router {
  const router = Router();
  router.get('/v1/outbox', async (req, res) => {
    const query = parseQuery(outboxQuery, req.query);
    const tenant = tenantOf(res);
    const rows = await listOutbox(db, tenant.id, {
      channel: query.channel,
      plan_id: query.plan_id,
      owner: narrowedTo(principalOf(res), tenant),
      limit: query.limit,
      before: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    res.json(page(rows, query.limit, messageView));
  });
  router.get('/v1/outbox/:id', async (req, res) => {
    const tenant = tenantOf(res);
    const row = isUuid(req.params.id)
      ? await findOutboxMessage(db, tenant.id, req.params.id)
      : undefined;
    if (!row || !(await canSeeFromPlan(db, row.plan_id, principalOf(res), tenant))) {
      throw notFound('message');
    }
    res.json(messageView(row));
  });
  /**
   * A relay that delivers the built-in outbox's messages reports on one:
   * forward only, so a report repeated changes nothing and answers the row
   * as it stands; a report behind the row's status, or on a message a
   * provider took (its status comes from the vendor), is a 409.
   */
  router.post('/v1/outbox/:id/delivery', requireJson, async (req, res) => {
    const body = parseBody(deliveryBody, req.body);
    const tenant = tenantOf(res);
    const id = String(req.params.id);
    const row = isUuid(id) ? await findOutboxMessage(db, tenant.id, id) : undefined;
    if (!row) throw notFound('message');
    if (row.provider !== 'outbox') {
      throw new HttpError(
        409,
        'not_relayed',
        `this message went through ${row.provider}, whose own reports set its status`,
        [{ path: 'status', message: `the message's provider is ${row.provider}` }],
      );
    }
    if (row.status === body.status) {
      res.json(messageView(row));
      return;
    }
    const moved = await applyRelayReport(db, {
      tenantId: tenant.id,
      id: row.id,
      status: body.status,
      vendorMessageId: body.vendor_message_id ? postgresSafeText(body.vendor_message_id) : null,
      detail: body.detail ? postgresSafeText(body.detail) : null,
      now: now(),
    });
    if (!moved) {
      const current = await findOutboxMessage(db, tenant.id, row.id);
      if (current?.status === body.status) {
        res.json(messageView(current));
        return;
      }
      throw new HttpError(
        409,
        'status_moves_forward',
        `the message is ${current?.status ?? row.status}; its status moves only forward (queued, sent, then delivered or failed)`,
        [
          {
            path: 'status',
            message: `cannot go from ${current?.status ?? row.status} to ${body.status}`,
          },
        ],
      );
    }
    res.json(messageView(moved));
  });
  return router;
}

function messageView(row: OutboxRow) {
  return {
    id: row.id,
    channel: row.channel,
    recipients: row.recipients,
    subject: row.subject,
    body: row.body,
    payload: row.payload,
    status: row.status,
    provider: row.provider,
    vendor_message_id: row.vendor_message_id,
    status_detail: row.status_detail,
    status_updated_at: row.status_updated_at?.toISOString() ?? null,
    plan_id: row.plan_id,
    step: row.step_index,
    created_at: row.created_at.toISOString(),
  };
}
