import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isUuid } from '../db/calendar-repository';
import type { Database, OutboxRow } from '../db/database';
import { findOutboxMessage, listOutbox } from '../db/outbox-repository';
import { notFound } from './http-error';
import { decodeCursor, limitParam, page, parseQuery } from './pagination';
import { canSeeFromPlan, narrowedTo } from './plan-visibility';
import { principalOf, tenantOf } from './tenant-context';

const outboxQuery = z.strictObject({
  channel: z.enum(['email', 'sms', 'call', 'campaign', 'automation', 'notification']).optional(),
  plan_id: z.uuid().optional(),
  limit: limitParam,
  cursor: z.string().max(500).optional(),
});

/** Every message sent for the tenant, through whichever provider, and where its delivery stands; newest first. */
export function outboxRoutes(db: Kysely<Database>): Router {
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
