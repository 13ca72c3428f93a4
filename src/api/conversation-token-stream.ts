import type { TokenPiece } from '../conversations/conversation-tokens';
import type { PlanEventFeed } from './plan-event-feed';

/** How long a turn waits for the rest of its answer's text once the turn itself is back. */
const SETTLE_MS = 1_000;

export interface TokenFollower {
  /** Resolves when the answer's text is all forwarded, or SETTLE_MS after the first call; then stops. */
  settle(): Promise<void>;
}

/**
 * Forwards the planner's text for one message of one conversation, in order
 * and once each, as a worker sends it (see createTokenPublisher). Started
 * before the message is posted, so no piece goes by unseen.
 */
export function followTokens(
  feed: PlanEventFeed,
  of: { tenant_id: string; conversation_id: string; message_id: string },
  forward: (piece: Pick<TokenPiece, 'round' | 'text'>) => void,
): TokenFollower {
  let next = 0;
  let seen = false;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const stop = feed.subscribeConversationTokens(of.conversation_id, (piece) => {
    if (piece.tenant_id !== of.tenant_id || piece.message_id !== of.message_id) return;
    // A repeat (a retried activity) or an old piece is dropped; a gap is a lost preview, passed over.
    if (piece.seq < next) return;
    next = piece.seq + 1;
    seen = true;
    if (piece.done) return finished();
    forward({ round: piece.round, text: piece.text });
  });
  return {
    async settle() {
      if (seen) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, SETTLE_MS)))]);
        clearTimeout(timer);
      }
      stop();
    },
  };
}
