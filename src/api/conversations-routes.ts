import { randomUUID } from 'node:crypto';
import {
  ActivityFailure,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  createConversation,
  findConversation,
  listConversations,
  listTurns,
  type ConversationOwner,
  type ConversationRow,
  type TurnRow,
} from '../conversations/conversations-repository';
import { isUuid } from '../db/calendar-repository';
import type { Database } from '../db/database';
import { ERRAND_TENANT } from '../temporal/search-attributes';
import {
  conversationWorkflowId,
  postMessage,
  type ConversationWorkflowInput,
} from '../workflows/definitions';
import { followPlan } from './conversation-plan-progress';
import { followTokens } from './conversation-token-stream';
import { openEventStream, type EventStreamLimits } from './event-stream';
import { HttpError, notFound } from './http-error';
import { idempotencyKeyOf } from './idempotency-key';
import { parseBody } from './parse-body';
import type { PlanEventFeed } from './plan-event-feed';
import { submitterOf } from './plan-visibility';
import { requireJson } from './require-json';
import { principalOf, tenantOf } from './tenant-context';

export interface ConversationsRoutesDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  feed?: PlanEventFeed;
  shutdown?: AbortSignal;
  limits?: Partial<EventStreamLimits>;
  /** A workflow's page in the Temporal Web UI: the conversation's, and a plan's a turn started. */
  webUiLink: (workflowId: string) => string;
}

const LIMITS: EventStreamLimits = {
  heartbeatMs: 15_000,
  pollMs: 5_000,
  maxLifetimeMs: 60 * 60_000,
  maxBufferedBytes: 1_000_000,
};
/** Turns one read returns: GET answers the latest ones, streams page through the rest. */
const TURNS_PER_READ = 200;
const TURN_ID = /^\d{1,19}$/;

export const openBody = z.strictObject({ title: z.string().trim().min(1).max(200).optional() });
export const messageBody = z.strictObject({ text: z.string().trim().min(1).max(2_000) });

const ownerOf = (res: Response): ConversationOwner => {
  const p = principalOf(res);
  if (p.kind === 'operator')
    throw new HttpError(403, 'forbidden', 'the operator key has no conversations');
  return p.user ? { user: p.user } : { key: p.key_id! };
};

type WebUiLink = ConversationsRoutesDeps['webUiLink'];

/** A turn that started a plan links the plan's Web UI page. */
function withPlanLink<T extends object>(turn: T, webUiLink: WebUiLink): T {
  const workflowId = (turn as { workflow_id?: unknown }).workflow_id;
  return typeof workflowId === 'string'
    ? { ...turn, links: { web_ui: webUiLink(workflowId) } }
    : turn;
}

export const turnView = (t: TurnRow, webUiLink: WebUiLink) =>
  withPlanLink(
    {
      id: t.id,
      role: t.role,
      kind: t.kind,
      text: t.text,
      ...(t.data as Record<string, unknown> | null),
      created_at: t.created_at.toISOString(),
    },
    webUiLink,
  );

const conversationView = (c: ConversationRow, webUiLink: WebUiLink) => ({
  conversation_id: c.id,
  title: c.title,
  workflow_id: c.workflow_id,
  created_at: c.created_at.toISOString(),
  updated_at: c.updated_at.toISOString(),
  links: { web_ui: webUiLink(c.workflow_id) },
});

/**
 * Conversations with the assistant, one user's each: open one, post messages
 * (the answer is a plan, or a question whose answer completes it), read the
 * turns, and stream them, reminders that fire for the user included. Anyone
 * else's conversation is 404, another user's of the same tenant too.
 */
export function conversationsRoutes(deps: ConversationsRoutesDeps): Router {
  const router = Router();
  const limits = { ...LIMITS, ...deps.limits };
  const mine = async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const row = isUuid(id)
      ? await findConversation(deps.db, tenantOf(res).id, id, ownerOf(res))
      : undefined;
    if (!row) throw notFound('conversation');
    return row;
  };

  router.post('/v1/conversations', requireJson, async (req, res) => {
    const body = parseBody(openBody, req.body ?? {});
    const tenant = tenantOf(res);
    const row = await createConversation(
      deps.db,
      tenant.id,
      ownerOf(res),
      body.title ?? null,
      (id) => conversationWorkflowId(tenant.id, id),
    );
    const input: ConversationWorkflowInput = {
      tenant_id: tenant.id,
      conversation_id: row.id,
      submitter: submitterOf(principalOf(res)),
    };
    await deps.temporal.workflow.start('conversationWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId: row.workflow_id,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: 'conversation',
      typedSearchAttributes: [{ key: ERRAND_TENANT, value: tenant.id }],
    });
    res.status(201).json(conversationView(row, deps.webUiLink));
  });

  router.get('/v1/conversations', async (_req, res) => {
    const rows = await listConversations(deps.db, tenantOf(res).id, ownerOf(res), 50);
    res.json({ data: rows.map((r) => conversationView(r, deps.webUiLink)) });
  });

  router.get('/v1/conversations/:id', async (req, res) => {
    const row = await mine(req, res);
    const turns = await listTurns(deps.db, row.tenant_id, row.id, '0', TURNS_PER_READ);
    res.json({
      ...conversationView(row, deps.webUiLink),
      turns: turns.map((t) => turnView(t, deps.webUiLink)),
    });
  });

  router.post('/v1/conversations/:id/messages', requireJson, async (req, res) => {
    const row = await mine(req, res);
    const { text } = parseBody(messageBody, req.body);
    const messageId = idempotencyKeyOf(req) ?? randomUUID();
    const handle = deps.temporal.workflow.getHandle(row.workflow_id);
    const streamed = req.accepts(['application/json', 'text/event-stream']) === 'text/event-stream';
    if (!streamed) {
      res.json({ turn: withPlanLink(await answer(handle, messageId, text), deps.webUiLink) });
      return;
    }
    const stream = openEventStream(res, { limits, shutdown: deps.shutdown });
    stream.send('message', null, { message_id: messageId, text });
    const tokens =
      deps.feed &&
      followTokens(
        deps.feed,
        { tenant_id: row.tenant_id, conversation_id: row.id, message_id: messageId },
        (piece) => stream.send('token', null, { message_id: messageId, ...piece }),
      );
    try {
      const turn = await answer(handle, messageId, text).finally(() => tokens?.settle());
      stream.send('turn', turn.turn_id, withPlanLink(turn, deps.webUiLink));
      if (turn.plan_id) await followPlan(stream, deps, row.tenant_id, turn.plan_id);
      else stream.end();
    } catch (err) {
      const { code, message } =
        err instanceof HttpError
          ? err
          : { code: 'internal', message: 'the message could not be answered' };
      req.log?.warn({ err }, 'conversation turn failed');
      stream.send('error', null, { code, message });
      stream.end();
    }
  });

  router.get('/v1/conversations/:id/stream', async (req, res) => {
    const row = await mine(req, res);
    const raw: unknown = req.get('last-event-id') ?? req.query.last_event_id;
    const given = typeof raw === 'string' ? raw.trim() : raw === undefined ? '0' : '';
    if (!TURN_ID.test(given)) {
      throw new HttpError(400, 'invalid_request', 'Last-Event-ID must be a turn id', [
        { path: 'Last-Event-ID', message: 'must be the id of a turn this stream sent' },
      ]);
    }
    let cursor = given;
    const stream = openEventStream(res, { limits, shutdown: deps.shutdown });
    await stream.follow(
      async () => {
        for (;;) {
          const turns = await listTurns(deps.db, row.tenant_id, row.id, cursor, TURNS_PER_READ);
          for (const t of turns) {
            stream.send('turn', t.id, turnView(t, deps.webUiLink));
            cursor = t.id;
          }
          if (turns.length < TURNS_PER_READ || stream.isEnded()) return;
        }
      },
      deps.feed && ((wake) => deps.feed!.subscribeConversation(row.id, wake)),
    );
  });
  return router;
}

/** The assistant's turn for a message; a message the workflow refuses (too long, empty) is a 400. */
async function answer(
  handle: ReturnType<Client['workflow']['getHandle']>,
  messageId: string,
  text: string,
) {
  try {
    return await handle.executeUpdate(postMessage, {
      args: [{ message_id: messageId, text }],
      updateId: `message:${messageId}`,
    });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new HttpError(409, 'conversation_ended', 'this conversation has ended; open a new one');
    }
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
    // The activity gave up: Errand's own trouble, not the message's.
    if (err.cause instanceof ActivityFailure) {
      throw new HttpError(
        503,
        'unavailable',
        'the message could not be answered now; send it again',
        [],
        {
          'retry-after': '5',
        },
      );
    }
    const why = err.cause?.message ?? err.message;
    throw new HttpError(400, 'invalid_request', why, [{ path: 'text', message: why }]);
  }
}
