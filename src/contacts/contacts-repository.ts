import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Cursor } from '../api/pagination';
import type { ContactRow, Database } from '../db/database';

export interface ContactInput {
  name: string;
  emails: string[];
  phones: string[];
  aliases: string[];
  user_id?: string | null;
}

/** A contact found by a loose name, with how close the name came (0–1). */
export type ScoredContact = ContactRow & { score: number };

/** Below this a name and a contact are not considered alike at all. */
export const MIN_SCORE = 0.3;

const searchText = (c: Pick<ContactInput, 'name' | 'aliases'>) =>
  [c.name, ...c.aliases].join(' ').toLowerCase();

export async function createContact(
  db: Kysely<Database>,
  tenantId: string,
  input: ContactInput,
): Promise<ContactRow> {
  return db
    .insertInto('contacts')
    .values({
      id: randomUUID(),
      tenant_id: tenantId,
      ...input,
      search_text: searchText(input),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findContact(db: Kysely<Database>, tenantId: string, id: string) {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function updateContact(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  input: ContactInput,
): Promise<ContactRow | undefined> {
  return db
    .updateTable('contacts')
    .set({ ...input, search_text: searchText(input), updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteContact(db: Kysely<Database>, tenantId: string, id: string) {
  const result = await db
    .deleteFrom('contacts')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** A page of contacts, newest first, after `cursor`. */
export function listContacts(
  db: Kysely<Database>,
  tenantId: string,
  page: { limit: number; cursor?: Cursor },
): Promise<ContactRow[]> {
  let query = db.selectFrom('contacts').selectAll().where('tenant_id', '=', tenantId);
  if (page.cursor) {
    const { created_at, id } = page.cursor;
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', created_at),
        eb.and([eb('created_at', '=', created_at), eb('id', '<', id)]),
      ]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

/**
 * Contacts whose name or alias is like `text` (trigram similarity of the whole
 * text, or of its closest words), or who have it as an email or phone; best first.
 */
export async function searchContacts(
  db: Kysely<Database>,
  tenantId: string,
  text: string,
  limit = 10,
): Promise<ScoredContact[]> {
  const q = text.trim().toLowerCase();
  const score = sql<number>`greatest(similarity(search_text, ${q}), word_similarity(${q}, search_text))`;
  const rows = await db
    .selectFrom('contacts')
    .selectAll()
    .select(
      sql<number>`case when ${q} = any(emails) or ${text.trim()} = any(phones) then 1 else ${score} end`.as(
        'score',
      ),
    )
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb(score, '>=', MIN_SCORE),
        eb(sql`${q}`, '=', eb.fn.any('emails')),
        eb(sql`${text.trim()}`, '=', eb.fn.any('phones')),
      ]),
    )
    .orderBy('score', 'desc')
    .orderBy('name')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, score: Math.round(Number(r.score) * 100) / 100 }));
}

/** Creates or replaces (by name, case-insensitive) every contact, all or none. */
export async function importContacts(
  db: Kysely<Database>,
  tenantId: string,
  contacts: ContactInput[],
): Promise<{ created: number; updated: number }> {
  return db.transaction().execute(async (trx) => {
    let created = 0;
    for (const input of contacts) {
      const row = await trx
        .insertInto('contacts')
        .values({ id: randomUUID(), tenant_id: tenantId, ...input, search_text: searchText(input) })
        .onConflict((oc) =>
          oc.expression(sql`tenant_id, lower(name)`).doUpdateSet({
            ...input,
            search_text: searchText(input),
            updated_at: new Date(),
          }),
        )
        .returning(sql<boolean>`xmax = 0`.as('inserted'))
        .executeTakeFirstOrThrow();
      if (row.inserted) created += 1;
    }
    return { created, updated: contacts.length - created };
  });
}

/** The contact that is this user of the tenant, if one is. */
export function findUserContact(db: Kysely<Database>, tenantId: string, userId: string) {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}
