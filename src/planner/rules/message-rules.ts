import { CannotPlanError } from '../planner';
import { capitalize, phrase, tidy, type ClauseText } from './clause-text';
import { PRONOUN, hasLocalPhone, takeEmails, takePhones } from './contacts';
import type { Draft, RuleContext } from './draft';
import { bookRule } from './book-rule';
import { takeWhen } from './when';

const MEETING_STEPS = new Set(['book_meeting', 'update_meeting', 'cancel_meeting']);

const MONEY =
  /[$€£]\s?\d|\b\d+(?:[.,]\d+)?\s*(?:dollars?|euros?|pounds?|usd|eur|gbp|bucks|btc)\b|\b(?:money|funds|payment|bitcoin|crypto)\b/i;
const BODY =
  /(?:\b(?:know(?: that)?|that|saying|to say|telling (?:him|her|them|everyone)|with the message|and say|and tell (?:him|her|them))\b|:)\s*(?<take>\S.*)$/i;
const SUBJECT =
  /\b(?:about|regarding|re:?|with (?:the )?subject|subject:?|titled|on the topic of)\s+(?<take>.+?)(?=\s{2,}|\s*$|\s*[,;])/i;
const MEETING_THING =
  /\b(?:the |an? |my |our )?(?:meeting |calendar |zoom |call |demo )?(?:invite|invitation|link|details|confirmation|summary|agenda|info|information|follow[- ]up|thank[- ]you(?: note)?)\b/i;

/** Refuses a clause that schedules a message for later: actions run when the plan runs. */
function refuseLater(clause: ClauseText, ctx: RuleContext, what: string): void {
  const when = takeWhen(clause, ctx.ref);
  if (when && (when.time ?? when.dayGiven)) {
    throw new CannotPlanError(
      'outside_allowlist',
      `${what} happen when the plan runs; sending at "${when.text}" is not supported`,
    );
  }
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
  refuseLater(clause, ctx, 'emails');
  // "email ed@x.com the meeting notes": whatever is left names the email.
  const rest = tidy(clause.rest.replace(/^\s*(?:to|the|an?|my|our)\b/gi, ' '));
  const named =
    rest && !subject && !body && !about && /^(?:the|an?|my|our)\s/i.test(tidy(clause.rest))
      ? rest
      : '';
  if (named) clause.blank(0, clause.rest.length);

  const params: Record<string, unknown> = {};
  if (to.length > 0) params.to = to;
  if (subject) params.subject = subject;
  if (body) params.body = body;
  if (reminder) params.template = 'reminder';
  const meeting = ctx.earlier.some((d) => MEETING_STEPS.has(d.type));
  if (meeting && (pronoun || about !== null || to.length === 0)) {
    return [{ type: 'send_email', params, chain: 'meeting', meetingEmail: !reminder }];
  }
  if (to.length === 0) {
    throw new CannotPlanError(
      'missing_information',
      'who should the email go to? No address was given',
    );
  }
  if (!subject && !body && !reminder && named) {
    params.subject = capitalize(named);
    ctx.guess(`no subject given; used "${String(params.subject)}"`);
  } else if (!subject && !body && !reminder) {
    if (!about) {
      const missingContent = `what should the email to ${to.join(', ')} say?`;
      return [{ type: 'send_email', params, missingContent }];
    }
    params.subject = capitalize(tidy(about[0]).replace(/^(?:the|an?|my|our)\s+/i, ''));
    ctx.guess(`no subject given; used "${String(params.subject)}"`);
  }
  return [{ type: 'send_email', params }];
}

/** "text +14155550123 that I'm late" → send_sms. */
export function smsRule(clause: ClauseText, ctx: RuleContext, given?: string[]): Draft[] | null {
  const phones = given ?? takePhones(clause);
  if (phones.length === 0) {
    if (clause.has(/@/)) return emailRule(clause, ctx);
    throw new CannotPlanError(
      'missing_information',
      hasLocalPhone(clause)
        ? 'phone numbers need a country code, such as +14155550123'
        : 'which number? No phone number in international format was given',
    );
  }
  const said = clause.take(BODY)?.groups?.take;
  clause.take(/^\s*(?:to\s+)?/i);
  if (said) refuseLater(clause, ctx, 'texts');
  // "send an sms to +1…": the words naming the message are not the message.
  clause.take(/^\s*(?:an?\s+)?(?:sms|text(?: message)?|message)?\s*(?:to|at)?\s*$/i);
  const message = phrase(said ?? clause.rest.replace(/^\s*(?:to|at)\b/i, ''));
  clause.blank(0, clause.rest.length);
  if (!message) {
    const missingContent = 'what should the text message say?';
    return [{ type: 'send_sms', params: { to: phones }, missingContent }];
  }
  return [{ type: 'send_sms', params: { to: phones, message } }];
}

/** "call +14155550123 and tell them I'm late" → initiate_call (one per number). */
export function callRule(clause: ClauseText, ctx: RuleContext): Draft[] | null {
  const phones = takePhones(clause);
  clause.take(/\ba\s+(?:call|ring)\b/i);
  if (phones.length === 0) {
    if (clause.has(/@/)) return bookRule(clause, ctx, 'call');
    throw new CannotPlanError(
      'missing_information',
      hasLocalPhone(clause)
        ? 'phone numbers need a country code, such as +14155550123'
        : 'which number? No phone number in international format was given',
    );
  }
  const script = clause.take(
    /\b(?:and (?:say|tell (?:him|her|them))|saying|to say|to tell (?:him|her|them)|with the script|about|to)\s+(?<take>\S.*)$/i,
  )?.groups?.take;
  refuseLater(clause, ctx, 'calls');
  return phones.map((to) => ({
    type: 'initiate_call',
    params: phrase(script) ? { to, script: phrase(script) } : { to },
  }));
}
