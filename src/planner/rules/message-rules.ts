import { CannotPlanError } from '../planner';
import { capitalize, phrase, tidy, type ClauseText } from './clause-text';
import { PRONOUN, hasLocalPhone, takeEmails, takePhones } from './contacts';
import type { Draft, RuleContext } from './draft';
import { bookRule } from './book-rule';
import { takePeople } from './people';
import { takeSendTime, type SendTime } from './send-time';

const MEETING_STEPS = new Set(['book_meeting', 'update_meeting', 'cancel_meeting']);

const MONEY =
  /[$€£]\s?\d|\b\d+(?:[.,]\d+)?\s*(?:dollars?|euros?|pounds?|usd|eur|gbp|bucks|btc)\b|\b(?:money|funds|payment|bitcoin|crypto)\b/i;
const BODY =
  /(?:\b(?:know(?: that)?|that|saying|to say|telling (?:him|her|them|everyone)|with the message|and say|and tell (?:him|her|them))\b|:)\s*(?<take>\S.*)$/i;
const SUBJECT =
  /\b(?:about|regarding|re:?|with (?:the )?subject|subject:?|titled|on the topic of)\s+(?<take>.+?)(?=\s{2,}|\s*$|\s*[,;])/i;
const MEETING_THING =
  /\b(?:the |an? |my |our )?(?:meeting |calendar |zoom |call |demo )?(?:invite|invitation|link|details|confirmation|summary|agenda|info|information|follow[- ]up|thank[- ]you(?: note)?)\b/i;

/** A draft with the time it waits for and the people it names, if any. */
function finish(draft: Draft, later: SendTime, people: Draft['people'] = []): Draft {
  const done: Draft = { ...draft, ...later };
  if (draft.chain) {
    // A message about the meeting already reads from it; an offset counts from its start.
    done.chain = draft.chain;
    if (draft.requiresChain) done.requiresChain = draft.requiresChain;
    else delete done.requiresChain;
  }
  if (people.length > 0) done.people = people;
  return done;
}

function named(names: string[], field: 'to', kind: 'email' | 'phone'): Draft['people'] {
  return names.map((name) => ({ name, field, kind }));
}

/**
 * "email bob@x.com about the report", "email him the link", "send them an
 * invite", "send a confirmation" → send_email. Without addresses it chains
 * to the meeting planned earlier, whose attendees become the recipients.
 */
export function emailRule(clause: ClauseText, ctx: RuleContext): Draft[] | null {
  if (clause.has(MONEY) && /^\s*(?:send|transfer|wire)/i.test(clause.original)) {
    throw new CannotPlanError('outside_allowlist', 'moving money is not an allowed action');
  }
  const to = takeEmails(clause);
  const phones = takePhones(clause);
  if (to.length === 0 && phones.length > 0) return smsRule(clause, ctx, phones);
  const body = phrase(clause.take(BODY)?.groups?.take);
  const subject = phrase(clause.take(SUBJECT)?.groups?.take);
  const pronoun = clause.take(PRONOUN) !== null;
  const about = clause.take(MEETING_THING);
  const reminder = clause.take(/\breminder\b/i) !== null;
  clause.take(/\b(?:an? |the )?(?:e-?mail|mail|message|note)\b/i);
  const later = takeSendTime(clause, ctx);
  // "email bob about the report": someone the tenant's contacts know.
  const names = to.length === 0 && !pronoun ? takePeople(clause, '^\\s*(?:to\\s+)?') : [];
  const people = named(names, 'to', 'email');
  // "email ed@x.com the meeting notes": whatever is left names the email.
  const rest = tidy(clause.rest.replace(/^\s*(?:to|the|an?|my|our)\b/gi, ' '));
  const title =
    rest && !subject && !body && !about && /^(?:the|an?|my|our)\s/i.test(tidy(clause.rest))
      ? rest
      : '';
  if (title) clause.blank(0, clause.rest.length);

  const params: Record<string, unknown> = {};
  if (to.length > 0) params.to = to;
  if (subject) params.subject = subject;
  if (body) params.body = body;
  if (reminder) params.template = 'reminder';
  const meeting = ctx.earlier.some((d) => MEETING_STEPS.has(d.type));
  const addressed = to.length > 0 || names.length > 0;
  if (meeting && (pronoun || about !== null || !addressed)) {
    if (!reminder && about && /follow|thank/i.test(about[0])) params.template = 'meeting_follow_up';
    const draft: Draft = { type: 'send_email', params, chain: 'meeting', meetingEmail: !reminder };
    return [finish(draft, later, people)];
  }
  if (!addressed) {
    throw new CannotPlanError(
      'missing_information',
      'who should the email go to? No address was given',
    );
  }
  const recipients = [...to, ...names].join(', ');
  if (!subject && !body && !reminder && title) {
    params.subject = capitalize(title);
    ctx.guess(`no subject given; used "${String(params.subject)}"`);
  } else if (!subject && !body && !reminder) {
    if (!about) {
      const missingContent = `what should the email to ${recipients} say?`;
      return [finish({ type: 'send_email', params, missingContent }, later, people)];
    }
    params.subject = capitalize(tidy(about[0]).replace(/^(?:the|an?|my|our)\s+/i, ''));
    ctx.guess(`no subject given; used "${String(params.subject)}"`);
  }
  return [finish({ type: 'send_email', params }, later, people)];
}

/** "text +14155550123 that I'm late" → send_sms. */
export function smsRule(clause: ClauseText, ctx: RuleContext, given?: string[]): Draft[] | null {
  const phones = given ?? takePhones(clause);
  if (phones.length === 0 && clause.has(/@/)) return emailRule(clause, ctx);
  if (phones.length === 0 && hasLocalPhone(clause)) {
    throw new CannotPlanError(
      'missing_information',
      'phone numbers need a country code, such as +14155550123',
    );
  }
  const said = clause.take(BODY)?.groups?.take;
  if (phones.length === 0) clause.take(/^\s*(?:an?\s+)?(?:sms|text(?: message)?|message)\b/i);
  // Without "that …", the time may be part of the message itself ("text +1… running late, there at 5").
  const later = said || phones.length === 0 ? takeSendTime(clause, ctx) : {};
  const names = phones.length === 0 ? takePeople(clause, '^\\s*(?:to\\s+)?') : [];
  // "text him 10 minutes before": the meeting's people, whose numbers the contacts hold.
  if (phones.length === 0 && names.length === 0 && clause.take(PRONOUN)) {
    names.push(...attendeesOfLastMeeting(ctx));
  }
  if (phones.length === 0 && names.length === 0) {
    throw new CannotPlanError(
      'missing_information',
      'which number? No phone number in international format was given',
    );
  }
  const people = named(names, 'to', 'phone');
  clause.take(/^\s*(?:to\s+)?/i);
  // "send an sms to +1…": the words naming the message are not the message.
  clause.take(/^\s*(?:an?\s+)?(?:sms|text(?: message)?|message)?\s*(?:to|at)?\s*$/i);
  const message = phrase(said ?? clause.rest.replace(/^\s*(?:to|at)\b/i, ''));
  clause.blank(0, clause.rest.length);
  const to = phones.length > 0 ? { to: phones } : {};
  if (!message) {
    const missingContent = 'what should the text message say?';
    return [finish({ type: 'send_sms', params: to, missingContent }, later, people)];
  }
  return [finish({ type: 'send_sms', params: { ...to, message } }, later, people)];
}

/** Who the latest meeting step invites: its addresses and the names still to look up. */
function attendeesOfLastMeeting(ctx: RuleContext): string[] {
  const meeting = ctx.earlier.findLast((d) => MEETING_STEPS.has(d.type));
  if (!meeting) return [];
  const given = meeting.params.attendees;
  const addresses = Array.isArray(given) ? given.map(String) : [];
  const match = meeting.params.match as { attendee?: string } | undefined;
  if (match?.attendee) addresses.push(match.attendee);
  return [...addresses, ...(meeting.people ?? []).map((p) => p.name)];
}

/** "call +14155550123 and tell them I'm late" → initiate_call (one per number). */
export function callRule(clause: ClauseText, ctx: RuleContext): Draft[] | null {
  const phones = takePhones(clause);
  clause.take(/\ba\s+(?:call|ring)\b/i);
  if (phones.length === 0 && clause.has(/@/)) return bookRule(clause, ctx, 'call');
  if (phones.length === 0 && hasLocalPhone(clause)) {
    throw new CannotPlanError(
      'missing_information',
      'phone numbers need a country code, such as +14155550123',
    );
  }
  const script = clause.take(
    /\b(?:and (?:say|tell (?:him|her|them))|saying|to say|to tell (?:him|her|them)|with the script|about|to)\s+(?<take>\S.*)$/i,
  )?.groups?.take;
  const later = takeSendTime(clause, ctx);
  const names = phones.length === 0 ? takePeople(clause, '^\\s*') : [];
  if (phones.length === 0 && names.length === 0) {
    throw new CannotPlanError(
      'missing_information',
      'which number? No phone number in international format was given',
    );
  }
  const said = phrase(script) ? { script: phrase(script) } : {};
  return [
    ...phones.map((to) => finish({ type: 'initiate_call', params: { to, ...said } }, later)),
    ...names.map((name) =>
      finish({ type: 'initiate_call', params: { ...said } }, later, [
        { name, field: 'to', kind: 'phone' },
      ]),
    ),
  ];
}
