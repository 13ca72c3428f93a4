import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { insertOutboxOnce, type OutboxMessage } from '../db/outbox-repository';

export interface Delivery {
  message_id: string;
  status: string;
}

/**
 * Sends email, SMS, calls and campaigns. Every message carries an idempotency
 * key: sending the same key twice delivers once.
 */
export interface MessageSender {
  send(message: OutboxMessage): Promise<Delivery>;
}

/** The built-in sender: messages wait in the Postgres outbox for a user or a relay to read. */
export function createOutboxSender(db: Kysely<Database>): MessageSender {
  return {
    async send(message) {
      const row = await insertOutboxOnce(db, message);
      return { message_id: row.id, status: row.status };
    },
  };
}
