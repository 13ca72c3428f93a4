import { parse } from 'csv-parse/sync';
import express, { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  createContact,
  deleteContact,
  findContact,
  importContacts,
  listContacts,
  searchContacts,
  updateContact,
  type ContactInput,
  type ScoredContact,
} from '../contacts/contacts-repository';
import { isUuid } from '../db/calendar-repository';
import type { ContactRow, Database } from '../db/database';
import { email, phone } from '../plan/action-params';
import { fieldErrors, type FieldError } from '../plan/field-error';
import { badRequest, HttpError, notFound } from './http-error';
import { decodeCursor, limitParam, page, parseQuery } from './pagination';
import { parseBody } from './parse-body';
import { requireJson } from './require-json';
import { tenantOf } from './tenant-context';

/** Rows one CSV import may hold, and its size. */
export const MAX_IMPORT_ROWS = 5_000;
const MAX_IMPORT_BYTES = '1mb';

const text = (max: number) => z.string().trim().min(1).max(max);
export const contactBody = z.strictObject({
  name: text(200),
  emails: z.array(email).max(20).default([]),
  phones: z.array(phone).max(20).default([]),
  aliases: z.array(text(100)).max(20).default([]),
  /** The tenant's user this contact is: plans' messages to that user go to its first email. */
  user_id: text(200).nullable().default(null),
});

export const listQuery = z.strictObject({
  q: z.string().trim().min(1).max(200).optional(),
  limit: limitParam,
  cursor: z.string().max(200).optional(),
});

function view(row: ContactRow | ScoredContact) {
  return {
    id: row.id,
    name: row.name,
    emails: row.emails,
    phones: row.phones,
    aliases: row.aliases,
    user_id: row.user_id,
    ...('score' in row && { score: row.score }),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const nameTaken = (name: string) =>
  new HttpError(409, 'contact_exists', `a contact named "${name}" exists already`, [
    { path: 'name', message: 'is taken (names are compared without case)' },
  ]);

const userTaken = (user: string | null) =>
  new HttpError(409, 'contact_exists', `user "${user}" has a contact already`, [
    { path: 'user_id', message: 'is taken: one contact per user' },
  ]);

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';

/** The 409 for a unique violation: of the user's one contact, or of the name. */
const taken = (err: unknown, body: { name: string; user_id: string | null }) =>
  (err as { constraint?: string }).constraint === 'contacts_tenant_user'
    ? userTaken(body.user_id)
    : nameTaken(body.name);

/**
 * A tenant's contacts: `GET /v1/contacts?q=` finds them by a loose name (trigram
 * similarity), an email or a phone; `POST /v1/contacts/import` takes CSV with the
 * header `name,emails,phones,aliases` (several values split by `;`), all rows or none.
 */
export function contactsRoutes(db: Kysely<Database>): Router {
  const router = Router();

  router.post('/v1/contacts', requireJson, async (req, res) => {
    const body = parseBody(contactBody, req.body);
    const row = await createContact(db, tenantOf(res).id, body).catch((err: unknown) => {
      throw isUniqueViolation(err) ? taken(err, body) : err;
    });
    res.status(201).location(`/v1/contacts/${row.id}`).json(view(row));
  });

  router.get('/v1/contacts', async (req, res) => {
    const query = parseQuery(listQuery, req.query);
    const tenant = tenantOf(res).id;
    if (query.q !== undefined) {
      if (query.cursor) throw badRequest([{ path: 'cursor', message: 'is not used with q' }]);
      const rows = await searchContacts(db, tenant, query.q, Math.min(query.limit, 50));
      res.json({ data: rows.map(view), next_cursor: null });
      return;
    }
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await listContacts(db, tenant, { limit: query.limit, cursor });
    res.json(page(rows, query.limit, view));
  });

  router.get('/v1/contacts/:id', async (req, res) => {
    const row = isUuid(req.params.id)
      ? await findContact(db, tenantOf(res).id, req.params.id)
      : undefined;
    if (!row) throw notFound('contact');
    res.json(view(row));
  });

  router.put('/v1/contacts/:id', requireJson, async (req, res) => {
    const body = parseBody(contactBody, req.body);
    const id = String(req.params.id);
    if (!isUuid(id)) throw notFound('contact');
    const row = await updateContact(db, tenantOf(res).id, id, body).catch((err: unknown) => {
      throw isUniqueViolation(err) ? taken(err, body) : err;
    });
    if (!row) throw notFound('contact');
    res.json(view(row));
  });

  router.delete('/v1/contacts/:id', async (req, res) => {
    const gone =
      isUuid(req.params.id) && (await deleteContact(db, tenantOf(res).id, req.params.id));
    if (!gone) throw notFound('contact');
    res.status(204).end();
  });

  router.post(
    '/v1/contacts/import',
    express.text({ type: 'text/csv', limit: MAX_IMPORT_BYTES }),
    async (req, res) => {
      if (!req.is('text/csv') || typeof req.body !== 'string') {
        throw new HttpError(415, 'unsupported_media_type', 'send the contacts as text/csv');
      }
      const contacts = readCsv(req.body);
      res.json(await importContacts(db, tenantOf(res).id, contacts));
    },
  );

  return router;
}

/** The CSV's rows as contacts, or a 400 listing every bad row and field. */
function readCsv(body: string): ContactInput[] {
  let records: Record<string, string>[];
  try {
    records = parse(body, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      to: MAX_IMPORT_ROWS + 1,
    }) as Record<string, string>[];
  } catch (err) {
    throw badRequest([{ path: 'body', message: `is not valid CSV: ${(err as Error).message}` }]);
  }
  if (records.length > MAX_IMPORT_ROWS) {
    throw badRequest([{ path: 'body', message: `holds more than ${MAX_IMPORT_ROWS} rows` }]);
  }
  if (records.length === 0) {
    throw badRequest([
      { path: 'body', message: 'has no rows under a name,emails,phones,aliases header' },
    ]);
  }
  const list = (v: string | undefined) =>
    (v ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const contacts: ContactInput[] = [];
  records.forEach((record, i) => {
    const parsed = contactBody.safeParse({
      name: record.name ?? '',
      emails: list(record.emails),
      phones: list(record.phones),
      aliases: list(record.aliases),
    });
    if (!parsed.success) {
      errors.push(...fieldErrors(parsed.error, ['rows', i]));
      return;
    }
    const key = parsed.data.name.toLowerCase();
    if (seen.has(key)) {
      errors.push({ path: `rows[${i}].name`, message: `"${parsed.data.name}" is given twice` });
      return;
    }
    seen.add(key);
    contacts.push(parsed.data);
  });
  if (errors.length > 0) throw badRequest(errors.slice(0, 100), 'the CSV has bad rows');
  return contacts;
}
