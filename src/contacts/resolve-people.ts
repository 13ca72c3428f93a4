import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { withAddresses } from '../planner/people';
import type { PersonReference, PlannedStep, PlannerResult } from '../planner/planner';
import { HttpError } from '../api/http-error';
import { searchContacts, type ScoredContact } from './contacts-repository';

/** How far the best match must lead the next one to count as the person meant, in hundredths of a score. */
const CLEAR_LEAD = 20;
/** A whole word of the name or an alias, or the address itself. */
const EXACT = 0.99;
const MAX_CANDIDATES = 5;

/** A contact offered when a name fits several. */
export interface Candidate {
  contact_id: string;
  name: string;
  address: string | null;
}

export type PersonLookup =
  | { found: true; name: string; contact: ScoredContact; address: string }
  | { found: false; name: string; message: string; candidates: Candidate[] };

/**
 * Finds who a name means in the tenant's contacts: "bob", "Jonh" (trigram
 * similarity), "bob from acme" (a Bob whose address or aliases name acme),
 * or an address the contact has ("text him" after a booking with
 * jo@x.com). One clear match gives its first address of the wanted kind;
 * several, none, or a contact without such an address is a question to ask.
 */
export async function lookUpPerson(
  db: Kysely<Database>,
  tenantId: string,
  person: Pick<PersonReference, 'name' | 'kind'>,
): Promise<PersonLookup> {
  const { name, kind } = person;
  const [who, from] = name.split(/\s+from\s+/i, 2) as [string, string | undefined];
  let found = await searchContacts(db, tenantId, who, 20);
  if (from) {
    const org = from.toLowerCase();
    found = found.filter(
      (c) =>
        c.search_text.includes(org) ||
        c.emails.some((e) => e.split('@')[1]?.toLowerCase().includes(org)),
    );
  }
  const addressOf = (c: ScoredContact) => (kind === 'email' ? c.emails[0] : c.phones[0]) ?? null;
  const candidates = found
    .slice(0, MAX_CANDIDATES)
    .map((c) => ({ contact_id: c.id, name: c.name, address: addressOf(c) }));
  const [best, next] = found;
  if (!best) {
    return {
      found: false,
      name,
      message: `no contact matches "${name}"; add one with POST /v1/contacts or give ${kind === 'email' ? 'an email address' : 'a phone number'}`,
      candidates,
    };
  }
  const clear =
    !next ||
    (best.score >= EXACT && next.score < EXACT) ||
    // Scores come rounded to hundredths: compare them so, not as 0.6 - 0.4 = 0.1999….
    Math.round((best.score - next.score) * 100) >= CLEAR_LEAD;
  if (!clear) {
    const list = candidates.map((c) => describe(c)).join(', ');
    return { found: false, name, message: `which "${name}"? It could be ${list}`, candidates };
  }
  const address = addressOf(best);
  if (!address) {
    return {
      found: false,
      name,
      message: `${best.name} has no ${kind === 'email' ? 'email address' : 'phone number'} in your contacts`,
      candidates: candidates.slice(0, 1),
    };
  }
  return { found: true, name, contact: best, address };
}

function describe(c: Candidate): string {
  return c.address ? `${c.name} <${c.address}>` : c.name;
}

/** A field the contacts could not fill, with whom it might mean. */
export interface PersonProblem {
  path: string;
  message: string;
  candidates: Candidate[];
}

export type ResolvedPeople =
  | { ok: true; result: PlannerResult; addresses: string[] }
  | { ok: false; message: string; problems: PersonProblem[] };

/**
 * Fills in every person a plan names without an address, from the tenant's
 * contacts, and says so in the warnings. Any name that fits nobody, several
 * people, or someone without the address the step needs leaves the plan
 * unfilled: one question per such name.
 */
export async function resolvePeople(
  db: Kysely<Database>,
  tenantId: string,
  result: PlannerResult,
): Promise<ResolvedPeople> {
  const people = result.people ?? [];
  // One lookup per name and kind: "book with bob and text him" asks about Bob once.
  const lookups = new Map<string, Promise<PersonLookup>>();
  const found = await Promise.all(
    people.map((p) => {
      const key = `${p.kind}\n${p.name.toLowerCase()}`;
      if (!lookups.has(key)) lookups.set(key, lookUpPerson(db, tenantId, p));
      return lookups.get(key)!;
    }),
  );
  const problems: PersonProblem[] = [];
  const asked = new Set<string>();
  found.forEach((lookup, i) => {
    if (lookup.found || asked.has(lookup.message)) return;
    asked.add(lookup.message);
    const p = people[i]!;
    problems.push({
      path: `actions[${p.step}].params.${p.field}`,
      message: lookup.message,
      candidates: lookup.candidates,
    });
  });
  if (problems.length > 0) {
    return { ok: false, message: problems.map((p) => p.message).join('; '), problems };
  }
  const addresses = found.map((l) => (l.found ? l.address : ''));
  const told = new Set<string>();
  const warnings = found.flatMap((l) => {
    if (!l.found) return [];
    const said = `"${l.name}" is ${l.contact.name} <${l.address}>, from your contacts`;
    if (told.has(said)) return [];
    told.add(said);
    return [said];
  });
  return {
    ok: true,
    result: {
      ...result,
      people: undefined,
      actions: withAddresses(result.actions, people, (_p, i) => addresses[i]!),
      warnings: [...result.warnings, ...warnings],
    },
    addresses: [...new Set(addresses)],
  };
}

/** The steps whose `match.attendee` may be a contact's name. */
const MATCHING = new Set(['update_meeting', 'cancel_meeting', 'find_meetings']);

/**
 * A submitted plan with each `match.attendee` that is a name ("Bob") replaced
 * by the address of the contact it clearly means, at submission, so the
 * workflow only ever compares addresses. A name that fits nobody or several
 * is a 422 naming the field and listing the candidates.
 */
export async function withMatchedContacts<
  P extends { actions: { type: string; params: Record<string, unknown> }[] },
>(db: Kysely<Database>, tenantId: string, plan: P): Promise<P> {
  const named = plan.actions.flatMap((a, step) => {
    const attendee = (a.params.match as { attendee?: unknown } | undefined)?.attendee;
    return MATCHING.has(a.type) && typeof attendee === 'string' && !attendee.includes('@')
      ? [{ step, name: attendee }]
      : [];
  });
  if (named.length === 0) return plan;
  const people: PersonReference[] = named.map(({ step, name }) => ({
    step,
    name,
    field: 'match.attendee',
    kind: 'email',
  }));
  const lookups = await Promise.all(people.map((p) => lookUpPerson(db, tenantId, p)));
  const problems = lookups.flatMap((l, i) =>
    l.found
      ? []
      : [
          {
            path: `actions[${people[i]!.step}].params.match.attendee`,
            message: l.message,
            candidates: l.candidates,
          },
        ],
  );
  if (problems.length > 0) {
    throw new HttpError(
      422,
      'contact_not_resolved',
      problems.map((p) => p.message).join('; '),
      problems,
    );
  }
  const actions = withAddresses(plan.actions as PlannedStep[], people, (_p, i) => {
    const l = lookups[i]!;
    return l.found ? l.address : '';
  });
  return { ...plan, actions: plan.actions.map((a, i) => ({ ...a, params: actions[i]!.params })) };
}
