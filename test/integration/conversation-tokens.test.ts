import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { listenForPlanEvents } from '../../src/api/plan-event-feed';
import {
  createTokenPublisher,
  MAX_STREAMED_CHARS,
  type TokenPiece,
} from '../../src/conversations/conversation-tokens';
import { createDb } from '../../src/db/create-db';
import { eventually } from '../support/harness';

const db = createDb({ url: inject('databaseUrl'), maxConnections: 3 });
const feed = listenForPlanEvents(inject('databaseUrl'), pino({ level: 'silent' }));
afterAll(async () => {
  await feed.close();
  await db.destroy();
});

/** Publishes `pushes` for a fresh conversation and returns what the feed handed on, through the done mark. */
async function roundTrip(pushes: [string, number][]) {
  const ids = { tenant_id: 't', conversation_id: randomUUID(), message_id: randomUUID() };
  const got: TokenPiece[] = [];
  const stop = feed.subscribeConversationTokens(ids.conversation_id, (p) => got.push(p));
  // The feed's LISTEN is up once a notification of its own comes back.
  const probe = createTokenPublisher(db, { ...ids, message_id: 'probe' });
  await eventually(async () => {
    probe.push('.', 0);
    await probe.close();
    return got.some((p) => p.message_id === 'probe') ? true : undefined;
  });
  const publisher = createTokenPublisher(db, ids);
  for (const [text, round] of pushes) publisher.push(text, round);
  await publisher.close();
  const mine = () => got.filter((p) => p.message_id === ids.message_id);
  await eventually(async () => (mine().some((p) => p.done) ? true : undefined));
  stop();
  return mine();
}

describe('a conversation turn’s tokens through Postgres', () => {
  it('arrive in order, gathered into few notifications, each under NOTIFY’s limit, then a done mark', async () => {
    // Emoji (surrogate pairs) and quotes, which JSON escapes, in 2,500 characters.
    const text = '😀"ab'.repeat(500);
    const pieces = [...text.matchAll(/.{1,7}/gsu)].map((m) => m[0]);
    const got = await roundTrip(pieces.map((p) => [p, 0]));
    expect(got.map((p) => p.seq)).toEqual(got.map((_, i) => i));
    expect(got.at(-1)!.done).toBe(true);
    const texts = got.filter((p) => !p.done).map((p) => p.text);
    expect(texts.join('')).toBe(text);
    expect(texts.length).toBeLessThan(pieces.length / 10);
    // No piece ends inside a surrogate pair.
    expect(texts.every((t) => !/[\ud800-\udbff]$/.test(t))).toBe(true);
  });

  it('keeps rounds apart and stops forwarding past its cap', async () => {
    const long = 'x'.repeat(MAX_STREAMED_CHARS + 5_000);
    const got = await roundTrip([
      ['first answer', 0],
      [long, 1],
      ['more', 1],
    ]);
    const text = (round: number) =>
      got
        .filter((p) => p.round === round && !p.done)
        .map((p) => p.text)
        .join('');
    expect(text(0)).toBe('first answer');
    expect(text(1)).toBe(long.slice(0, MAX_STREAMED_CHARS - 'first answer'.length));
  });
});
