import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { TakeMessage, TakenMessage } from '../conversations/conversation-turns';
import type { ActivityDeps } from './deps';

/** Conversations: each message is answered by an activity, so planning never runs in workflow code. */
export function createConversationActivities(deps: ActivityDeps) {
  return {
    async take_conversation_message(input: Omit<TakeMessage, 'task_queue'>): Promise<TakenMessage> {
      if (!deps.conversations) {
        throw ApplicationFailure.nonRetryable(
          'this worker was built without conversations (ActivityDeps.conversations)',
          'ConversationsNotConfigured',
        );
      }
      // Plans start on the queue the conversation runs on, which is the queue the API starts plans on.
      return deps.conversations.take({ ...input, task_queue: Context.current().info.taskQueue });
    },
  };
}

export type ConversationActivities = ReturnType<typeof createConversationActivities>;
