import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConversationActivities } from '../activities/conversation-activities';
import {
  conversationEvent,
  getConversationContext,
  postMessage,
  type AssistantTurn,
  type ConversationContext,
  type ConversationWorkflowInput,
} from './definitions';

const { take_conversation_message } = proxyActivities<ConversationActivities>({
  // Planning with a model and starting the plan: well under a minute, retried on Errand's own failures.
  startToCloseTimeout: '2 minutes',
  retry: { maximumInterval: '30 seconds', maximumAttempts: 10 },
});

/** Turns the context keeps; older ones are dropped from it (the turn log keeps them all). */
export const CONVERSATION_CONTEXT_TURNS = 20;
/** Past this many history events, a fresh run carries the context on. */
export const CONVERSATION_HISTORY_LIMIT = 2_000;
/** A conversation nobody has written to for this long ends; its turns stay readable. */
export const CONVERSATION_IDLE_MS = 30 * 24 * 3600 * 1000;
/** The longest message a conversation takes, as POST /v1/intents takes. */
export const MAX_MESSAGE_CHARS = 2_000;

/**
 * One user's conversation: it holds what was said lately and the question
 * waiting for an answer, and answers each message (an update) through an
 * activity, one at a time and in order, so an answer always meets the
 * question it answers. It continues as new before its history grows large
 * and ends after a month of silence.
 */
export async function conversationWorkflow(input: ConversationWorkflowInput): Promise<void> {
  const context: ConversationContext = input.context ?? { turns: [], dropped: 0, pending: null };
  const answered = new Map<string, AssistantTurn>();
  let busy = false;
  let lastActivity = 0;
  const remember = (turn: ConversationContext['turns'][number]) => {
    context.turns.push(turn);
    const over = context.turns.length - CONVERSATION_CONTEXT_TURNS;
    if (over > 0) {
      context.turns.splice(0, over);
      context.dropped += over;
    }
  };

  setHandler(getConversationContext, () => context);
  setHandler(conversationEvent, (event) => {
    remember({ role: 'event', ...event });
    lastActivity++;
  });
  setHandler(
    postMessage,
    async (message) => {
      // A repeat of a message already answered in this run (a client's retry) gets the same turn.
      const earlier = answered.get(message.message_id);
      if (earlier) return earlier;
      await condition(() => !busy);
      busy = true;
      try {
        const taken = await take_conversation_message.executeWithOptions(
          { summary: "answer the conversation's next message" },
          [
            {
              tenant_id: input.tenant_id,
              conversation_id: input.conversation_id,
              submitter: input.submitter,
              message,
              pending: context.pending,
            },
          ],
        );
        remember({ role: 'user', kind: 'message', text: message.text });
        remember({ role: 'assistant', kind: taken.turn.kind, text: taken.turn.text });
        context.pending = taken.pending;
        answered.set(message.message_id, taken.turn);
        lastActivity++;
        return taken.turn;
      } finally {
        busy = false;
      }
    },
    {
      validator: (message) => {
        if (!message.text.trim()) throw new Error('text is empty');
        if (message.text.length > MAX_MESSAGE_CHARS) {
          throw new Error(`text is longer than ${MAX_MESSAGE_CHARS} characters`);
        }
      },
    },
  );

  for (;;) {
    const seen = lastActivity;
    const woke = await condition(
      () =>
        lastActivity !== seen ||
        workflowInfo().continueAsNewSuggested ||
        workflowInfo().historyLength > CONVERSATION_HISTORY_LIMIT,
      CONVERSATION_IDLE_MS,
    );
    if (!woke && !busy) break;
    if (lastActivity !== seen) continue;
    await condition(() => !busy && allHandlersFinished());
    await continueAsNew<typeof conversationWorkflow>({ ...input, context });
  }
  await condition(allHandlersFinished);
}
