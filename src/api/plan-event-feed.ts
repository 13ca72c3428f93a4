import pg from 'pg';
import type { Logger } from 'pino';
import {
  CONVERSATION_TOKENS_CHANNEL,
  readTokenPiece,
  type TokenPiece,
} from '../conversations/conversation-tokens';
import { WEBHOOK_DELIVERIES_CHANNEL } from '../webhooks/webhook-events';

/** The channel the plan_events trigger notifies, with the plan's id as payload. */
export const PLAN_EVENTS_CHANNEL = 'errand_plan_events';
/** The channel the conversation_turns trigger notifies, with the conversation's id as payload. */
export const CONVERSATION_TURNS_CHANNEL = 'errand_conversation_turns';

/** Tells subscribers that a plan may have new events; they read them from Postgres. */
export interface PlanEventFeed {
  /** Calls `changed` after each new event of the plan, and after the feed reconnects. */
  subscribe(planId: string, changed: () => void): () => void;
  /** Calls `changed` after each new turn of the conversation, and after the feed reconnects. */
  subscribeConversation(conversationId: string, changed: () => void): () => void;
  /** Hands on each piece of a planner's answer a worker sends for the conversation, as it comes. */
  subscribeConversationTokens(conversationId: string, piece: (p: TokenPiece) => void): () => void;
  /** Calls `changed` when webhook deliveries are queued, and after the feed reconnects. */
  onDeliveriesQueued(changed: () => void): () => void;
  close(): Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;
/** How the listener's connection shows in pg_stat_activity. */
export const LISTENER_NAME = 'errand-plan-events';

/**
 * One connection that LISTENs for every plan's events, shared by all the
 * process's streams, so a stream costs no connection of its own. When the
 * connection breaks (Postgres restarting) it reconnects with backoff and then
 * wakes every subscriber, which reads what it may have missed meanwhile.
 */
export function listenForPlanEvents(url: string, logger: Logger): PlanEventFeed {
  const subscribers = new Map<string, Set<() => void>>();
  const conversations = new Map<string, Set<() => void>>();
  const deliveries = new Set<() => void>();
  const tokens = new Map<string, Set<(p: TokenPiece) => void>>();
  let client: pg.Client | null = null;
  let closed = false;
  let backoff = 500;
  let retry: NodeJS.Timeout | undefined;

  const wakeAll = () => {
    subscribers.forEach((set) => set.forEach((fn) => fn()));
    conversations.forEach((set) => set.forEach((fn) => fn()));
    deliveries.forEach((fn) => fn());
  };
  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({
      connectionString: url,
      keepAlive: true,
      application_name: LISTENER_NAME,
    });
    c.on('error', (err) => {
      logger.warn({ err }, 'plan event listener lost its connection; reconnecting');
      drop(c);
    });
    c.on('end', () => drop(c));
    c.on('notification', (n) => {
      if (!n.payload) return;
      if (n.channel === WEBHOOK_DELIVERIES_CHANNEL) return deliveries.forEach((fn) => fn());
      if (n.channel === CONVERSATION_TOKENS_CHANNEL) {
        const piece = readTokenPiece(n.payload);
        if (piece) tokens.get(piece.conversation_id)?.forEach((fn) => fn(piece));
        return;
      }
      if (n.channel === CONVERSATION_TURNS_CHANNEL) {
        return conversations.get(n.payload)?.forEach((fn) => fn());
      }
      if (n.channel === PLAN_EVENTS_CHANNEL) subscribers.get(n.payload)?.forEach((fn) => fn());
    });
    try {
      await c.connect();
      await c.query(
        `listen ${PLAN_EVENTS_CHANNEL}; listen ${WEBHOOK_DELIVERIES_CHANNEL}; listen ${CONVERSATION_TURNS_CHANNEL}; listen ${CONVERSATION_TOKENS_CHANNEL}`,
      );
    } catch (err) {
      logger.warn({ err }, 'plan event listener could not connect; retrying');
      drop(c);
      return;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    backoff = 500;
    wakeAll();
  };
  const drop = (c: pg.Client) => {
    if (client === c) client = null;
    c.removeAllListeners('notification');
    c.end().catch(() => {});
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, backoff);
    retry.unref();
    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
  };
  void connect();

  return {
    subscribe: (planId, changed) => keyed(subscribers, planId, changed),
    subscribeConversation: (id, changed) => keyed(conversations, id, changed),
    subscribeConversationTokens: (id, piece) => keyed(tokens, id, piece),
    onDeliveriesQueued(changed) {
      deliveries.add(changed);
      return () => deliveries.delete(changed);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}

function keyed<F>(map: Map<string, Set<F>>, id: string, changed: F): () => void {
  let set = map.get(id);
  if (!set) map.set(id, (set = new Set()));
  set.add(changed);
  return () => {
    set.delete(changed);
    if (set.size === 0) map.delete(id);
  };
}
