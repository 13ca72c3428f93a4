import { sql, type Kysely } from 'kysely';
import type { Database, ReminderRow } from '../db/database';
import { insertTurnOnce } from './conversations-repository';

/**
 * Posts a fired reminder into the conversation its plan came from, as a
 * `reminder_triggered` turn, once. Only when that conversation is the plan
 * submitter's own: a plan naming someone else's conversation posts nothing.
 * Returns the conversation's workflow id, to tell it, or null.
 */
export async function postReminderTurn(
  db: Kysely<Database>,
  reminder: Pick<ReminderRow, 'id' | 'tenant_id' | 'plan_id' | 'message' | 'fire_at'>,
  firedAt: Date,
): Promise<{ workflowId: string; text: string } | null> {
  if (!reminder.plan_id) return null;
  const conversation = await db
    .selectFrom('action_plans as p')
    .innerJoin('conversations as c', (join) =>
      join
        .on('c.tenant_id', '=', reminder.tenant_id)
        .on(sql<boolean>`c.id::text = p.conversation_id`),
    )
    .select(['c.id', 'c.workflow_id'])
    .where('p.tenant_id', '=', reminder.tenant_id)
    .where('p.id', '=', reminder.plan_id)
    .where(
      sql<boolean>`((c.owner_user is not null and c.owner_user = p.submitted_by_user)
        or (c.owner_user is null and c.owner_key = p.submitted_by_key))`,
    )
    .executeTakeFirst();
  if (!conversation) return null;
  await insertTurnOnce(db, reminder.tenant_id, conversation.id, {
    turn_key: `reminder:${reminder.id}`,
    role: 'event',
    kind: 'reminder_triggered',
    text: reminder.message,
    data: {
      reminder_id: reminder.id,
      plan_id: reminder.plan_id,
      fire_at: reminder.fire_at.toISOString(),
      fired_at: firedAt.toISOString(),
    },
  });
  return { workflowId: conversation.workflow_id, text: reminder.message };
}
