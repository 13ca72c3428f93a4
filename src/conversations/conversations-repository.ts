import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { ConversationsTable, ConversationTurnsTable, Database } from '../db/database';
import { postgresSafe } from '../plan/postgres-safe';

export type ConversationRow = Selectable<ConversationsTable>;
export type TurnRow = Selectable<ConversationTurnsTable>;

/** Whose conversation: a user's, whichever key or token they use, or one key's. */
export type ConversationOwner = { user: string } | { key: string };

export const TURN_ROLES = ['user', 'assistant', 'event'] as const;
export type TurnRole = (typeof TURN_ROLES)[number];

export interface NewTurn {
  turn_key: string;
  role: TurnRole;
  /** `message`, `question`, `plan`, `refusal`, `reminder_triggered`. */
  kind: string;
  text: string;
  data?: Record<string, unknown> | null;
}

export async function createConversation(
  db: Kysely<Database>,
  tenantId: string,
  owner: ConversationOwner,
  title: string | null,
  workflowIdOf: (id: string) => string,
): Promise<ConversationRow> {
  const id = randomUUID();
  return db
    .insertInto('conversations')
    .values({
      id,
      tenant_id: tenantId,
      owner_user: 'user' in owner ? owner.user : null,
      owner_key: 'key' in owner ? owner.key : null,
      title,
      workflow_id: workflowIdOf(id),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The conversation, if it is the owner's: anyone else's reads as absent. */
export async function findConversation(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  owner?: ConversationOwner,
): Promise<ConversationRow | undefined> {
  let query = db
    .selectFrom('conversations')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id);
  if (owner) query = ownedBy(query, owner);
  return query.executeTakeFirst();
}

export async function listConversations(
  db: Kysely<Database>,
  tenantId: string,
  owner: ConversationOwner,
  limit: number,
): Promise<ConversationRow[]> {
  const query = db.selectFrom('conversations').selectAll().where('tenant_id', '=', tenantId);
  return ownedBy(query, owner).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
}

function ownedBy<O>(
  query: SelectQueryBuilder<Database, 'conversations', O>,
  owner: ConversationOwner,
): SelectQueryBuilder<Database, 'conversations', O> {
  return 'user' in owner
    ? query.where('owner_user', '=', owner.user)
    : query.where('owner_user', 'is', null).where('owner_key', '=', owner.key);
}

/** Writes a turn once (by its key) and returns it, whether written now or before. */
export async function insertTurnOnce(
  db: Kysely<Database>,
  tenantId: string,
  conversationId: string,
  turn: NewTurn,
): Promise<TurnRow> {
  const values = postgresSafe({ ...turn, data: turn.data ?? null });
  await db
    .insertInto('conversation_turns')
    .values({
      tenant_id: tenantId,
      conversation_id: conversationId,
      turn_key: values.turn_key,
      role: values.role,
      kind: values.kind,
      text: values.text,
      data: values.data === null ? null : JSON.stringify(values.data),
    })
    .onConflict((oc) => oc.columns(['conversation_id', 'turn_key']).doNothing())
    .execute();
  await db
    .updateTable('conversations')
    .set({ updated_at: sql<Date>`now()` })
    .where('id', '=', conversationId)
    .execute();
  return db
    .selectFrom('conversation_turns')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('turn_key', '=', turn.turn_key)
    .executeTakeFirstOrThrow();
}

/** Turns after `afterId`, oldest first. */
export async function listTurns(
  db: Kysely<Database>,
  tenantId: string,
  conversationId: string,
  afterId: string,
  limit: number,
): Promise<TurnRow[]> {
  return db
    .selectFrom('conversation_turns')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('conversation_id', '=', conversationId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}
