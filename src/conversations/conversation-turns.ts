import { HttpError } from '../api/http-error';
import { submittingOnQueue, type SubmittingConfig } from '../api/submitting-on-queue';
import type { PlannedStep } from '../planner/planner';
import { describeSteps } from '../planner/rules/describe-steps';
import { findTenant } from '../tenants/tenants-repository';
import type {
  AssistantTurn,
  ConversationMessage,
  ConversationWorkflowInput,
  PendingQuestion,
} from '../workflows/definitions';
import { compose, namesIn } from './conversation-reply';
import { createTokenPublisher } from './conversation-tokens';
import { findConversation, insertTurnOnce, type NewTurn } from './conversations-repository';

export interface TakeMessage {
  tenant_id: string;
  conversation_id: string;
  submitter: ConversationWorkflowInput['submitter'];
  message: ConversationMessage;
  pending: PendingQuestion | null;
  /** Where the plans it starts run: the queue the conversation runs on. */
  task_queue: string;
}

export interface TakenMessage {
  turn: AssistantTurn;
  pending: PendingQuestion | null;
}

/** What a conversation's workflow asks of the outside world: answer one message, once. */
export interface ConversationTurns {
  take(input: TakeMessage): Promise<TakenMessage>;
}

export type ConversationTurnsConfig = SubmittingConfig;

const MISSING = 'missing_information: ';

/**
 * Answers a message as POST /v1/intents would (the planner, the contacts, the
 * gate, the decision log, the plan), with the pending question's request
 * completed by the message. A refusal for missing information becomes a
 * question, and the request waits for its answer. Keyed by the message, so a
 * retried activity writes each turn once and starts no second plan.
 */
export function createConversationTurns(config: ConversationTurnsConfig): ConversationTurns {
  return {
    async take(input) {
      const tenant = await findTenant(config.db, input.tenant_id);
      const conversation =
        tenant && (await findConversation(config.db, tenant.id, input.conversation_id));
      if (!tenant || !conversation) throw new Error('the conversation is gone');
      const { message } = input;
      const write = (turn: NewTurn) => insertTurnOnce(config.db, tenant.id, conversation.id, turn);
      await write({
        turn_key: `message:${message.message_id}`,
        role: 'user',
        kind: 'message',
        text: message.text,
      });
      const reply = async (
        turn: Omit<AssistantTurn, 'turn_id'>,
        pending: PendingQuestion | null,
      ) => {
        const { kind, text, ...data } = turn;
        const row = await write({
          turn_key: `reply:${message.message_id}`,
          role: 'assistant',
          kind,
          text,
          data,
        });
        return { turn: { ...turn, turn_id: row.id }, pending };
      };

      const composed = compose(input.pending, message.text);
      if (composed.kind === 'dropped') {
        return reply(
          { kind: 'dropped', text: 'Dropped. What would you like to do instead?' },
          null,
        );
      }
      const { intents } = submittingOnQueue(config, input.task_queue);
      const tokens = createTokenPublisher(config.db, {
        tenant_id: tenant.id,
        conversation_id: conversation.id,
        message_id: message.message_id,
      });
      try {
        const answer = await intents
          .handle(
            tenant,
            {
              text: composed.text,
              dry_run: false,
              source: 'chat',
              conversation_id: conversation.id,
              user_id: input.submitter.submitted_by_user ?? undefined,
            },
            {
              idempotencyKey: `conversation\n${conversation.id}\n${message.message_id}`,
              submitter: input.submitter,
              onToken: (text, round) => tokens.push(text, round),
            },
          )
          // The answer's text is all sent before the turn is written and answered.
          .finally(() => tokens.close());
        const body = answer.body as {
          plan_id: string;
          workflow_id: string;
          status: string;
          outcome: string;
          approval_reason: string | null;
          actions: PlannedStep[];
        };
        const waiting = body.outcome === 'awaiting_approval';
        const steps = describeSteps(body.actions);
        return reply(
          {
            kind: 'plan',
            text: waiting
              ? `Waiting for approval (${body.approval_reason}): ${steps}`
              : `On it: ${steps}`,
            plan_id: body.plan_id,
            workflow_id: body.workflow_id,
            status: body.status,
            approval_reason: body.approval_reason,
          },
          null,
        );
      } catch (err) {
        // Errand's own trouble is retried; the request's is the answer.
        if (!(err instanceof HttpError) || err.status >= 500) throw err;
        const why = err.details[0]?.message ?? '';
        if (err.code !== 'cannot_plan' || !why.startsWith(MISSING)) {
          return reply({ kind: 'refusal', text: err.message }, null);
        }
        const candidates = err.details.flatMap((d) =>
          'candidates' in d && Array.isArray(d.candidates)
            ? (d.candidates as { name: string; address: string | null }[]).map((c) => ({
                name: c.name,
                address: c.address,
              }))
            : [],
        );
        const pending: PendingQuestion = {
          intent: composed.text,
          question: err.message,
          names: namesIn(err.message),
          candidates,
        };
        return reply({ kind: 'question', text: err.message, candidates }, pending);
      }
    },
  };
}
