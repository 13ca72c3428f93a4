import type { PendingQuestion } from '../workflows/definitions';

const EMAIL = /[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+/;
const PHONE = /\+\d[\d\s().-]{6,}\d/;
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'];
const DROP = /^\s*(?:never ?mind|forget (?:it|that)|cancel that|stop)\s*[.!]?\s*$/i;
/** The longest request a conversation builds from its answers, as POST /v1/intents takes. */
export const MAX_INTENT_CHARS = 2_000;

/** What the next message means for a pending question: a completed request, or the question dropped. */
export type Composed = { kind: 'intent'; text: string } | { kind: 'dropped' };

/**
 * Reads a message in the light of the question it answers. With nothing
 * pending the message is the request. A choice among candidates ("the
 * second", "Bob Stone", an address) or an address for a name goes in place of
 * the name in the request; any other answer completes the request after it.
 *
 * @example compose({ intent: 'email bob about the launch', names: ['bob'], candidates: [...] }, 'the second')
 * // { kind: 'intent', text: 'email bob.marley@example.com about the launch' }
 */
export function compose(pending: PendingQuestion | null, message: string): Composed {
  const answer = message.trim();
  if (!pending) return { kind: 'intent', text: answer };
  if (DROP.test(answer)) return { kind: 'dropped' };
  const address = chosen(pending, answer) ?? answer.match(EMAIL)?.[0] ?? answer.match(PHONE)?.[0];
  const name = pending.names[0];
  if (address && name) {
    const at = new RegExp(`\\b${escape(name)}\\b`, 'i');
    if (at.test(pending.intent)) return intent(pending.intent.replace(at, address));
  }
  return intent(`${pending.intent} ${answer}`);
}

const intent = (text: string): Composed => ({
  kind: 'intent',
  text: text.slice(0, MAX_INTENT_CHARS),
});

/** The candidate's address the answer picks, by position, address or name. */
function chosen(pending: PendingQuestion, answer: string): string | undefined {
  const { candidates } = pending;
  if (candidates.length === 0) return undefined;
  const lower = answer.toLowerCase();
  const position = /^\D*(\d)\D*$/.exec(lower)?.[1];
  const index = position
    ? Number(position) - 1
    : ORDINALS.findIndex((o) => new RegExp(`\\b${o}\\b`).test(lower));
  const byPosition = index >= 0 ? candidates[index] : undefined;
  const byName = candidates.filter(
    (c) =>
      (c.address && lower.includes(c.address.toLowerCase())) ||
      lower.includes(c.name.toLowerCase()) ||
      c.name.toLowerCase() === lower,
  );
  const pick = byPosition ?? (byName.length === 1 ? byName[0] : undefined);
  return pick?.address ?? undefined;
}

/** The quoted names of a question: `which "bob"? …` → ['bob']. */
export function namesIn(question: string): string[] {
  return [...question.matchAll(/"([^"]{1,100})"/g)].map((m) => m[1]!);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
