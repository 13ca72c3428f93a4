import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';

/** The channel a worker notifies with a language model's answer as it is written, for a streaming client. */
export const CONVERSATION_TOKENS_CHANNEL = 'errand_conversation_tokens';

/** Characters per notification: at most 6 bytes each once JSON-escaped, well under NOTIFY's 8,000. */
const MAX_PIECE_CHARS = 1_000;
/** Pieces are gathered this long, so a model's tokens cost a notification per 50 ms, not each. */
const FLUSH_MS = 50;
/** Past this, an answer's text is not forwarded (its turn still comes whole). */
export const MAX_STREAMED_CHARS = 64_000;

/** One notification: some of the answer's text, or the mark that it is all sent. */
export interface TokenPiece {
  tenant_id: string;
  conversation_id: string;
  message_id: string;
  /** From 0 in the order sent, so a listener can tell a gap or a repeat. */
  seq: number;
  /** The planner's round: 0, then 1 when its first answer was sent back for repair. */
  round: number;
  text: string;
  done?: true;
}

type Ids = Pick<TokenPiece, 'tenant_id' | 'conversation_id' | 'message_id'>;

export interface TokenPublisher {
  push(text: string, round: number): void;
  /** Sends what is gathered and the done mark; resolves once all are notified. */
  close(): Promise<void>;
}

/**
 * Forwards a message's planner tokens through Postgres to whichever API
 * process streams the turn. A preview, not a record: NOTIFY keeps nothing for
 * a listener that is not there, and a failed notification is dropped; the
 * turn written after it is what counts.
 */
export function createTokenPublisher(db: Kysely<Database>, ids: Ids): TokenPublisher {
  let gathered = '';
  let round = 0;
  let seq = 0;
  let forwarded = 0;
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> = Promise.resolve();

  // One after another on the pool, so they commit, and arrive, in order.
  const notify = (piece: Omit<TokenPiece, keyof Ids | 'seq'>) => {
    const payload = JSON.stringify({ ...ids, seq: seq++, ...piece });
    sending = sending.then(() =>
      sql`select pg_notify(${CONVERSATION_TOKENS_CHANNEL}, ${payload})`.execute(db).then(
        () => {},
        () => {},
      ),
    );
  };
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    while (gathered) {
      const cut = safeCut(gathered, MAX_PIECE_CHARS);
      notify({ round, text: gathered.slice(0, cut) });
      gathered = gathered.slice(cut);
    }
  };
  return {
    push(text, r) {
      if (r !== round) {
        flush();
        round = r;
      }
      const kept = text.slice(0, Math.max(0, MAX_STREAMED_CHARS - forwarded));
      if (!kept) return;
      forwarded += kept.length;
      gathered += kept;
      if (gathered.length >= MAX_PIECE_CHARS) flush();
      else timer ??= setTimeout(flush, FLUSH_MS);
    },
    async close() {
      flush();
      if (seq > 0) notify({ round, text: '', done: true });
      await sending;
    },
  };
}

/** Where to cut `text` at most `max` characters in, never between the halves of a surrogate pair. */
function safeCut(text: string, max: number): number {
  if (text.length <= max) return text.length;
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

/** A notification's payload, if it is one a publisher wrote. */
export function readTokenPiece(payload: string): TokenPiece | undefined {
  try {
    const p = JSON.parse(payload) as Partial<TokenPiece>;
    const ok =
      typeof p.tenant_id === 'string' &&
      typeof p.conversation_id === 'string' &&
      typeof p.message_id === 'string' &&
      Number.isInteger(p.seq) &&
      Number.isInteger(p.round) &&
      typeof p.text === 'string';
    return ok ? (p as TokenPiece) : undefined;
  } catch {
    return undefined;
  }
}
