import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { insertOutboxOnce } from '../db/outbox-repository';
import type { DeliveryStatus, MessageSender } from './messages';

/** The built-in sender: messages wait in the Postgres outbox for a user or a relay to read. */
export function createOutboxSender(db: Kysely<Database>): MessageSender {
  return {
    async send(message) {
      const row = await insertOutboxOnce(db, message);
      return { message_id: row.id, status: row.status as DeliveryStatus };
    },
  };
}
