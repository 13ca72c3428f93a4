import { parseOffset } from '../../plan/offset';
import { CannotPlanError } from '../planner';
import { phrase, type ClauseText } from './clause-text';
import { PRONOUN, takeEmails, takePhones } from './contacts';
import type { Draft, RuleContext } from './draft';
import { takeOffsets } from './quantities';
import { fromLocal, localIso } from './reference';
import { takeWhen, type When } from './when';

const REMINDER_HOURS = { morning: 9, afternoon: 14, evening: 18 } as const;
const BOOKED = new Set(['book_meeting', 'update_meeting']);

/**
 * "remind me 1 hour before" (after a booking) → schedule_reminder { offset:
 * '-1h' } chained to the booking; "remind me tomorrow at 8am to call Bob" →
 * { at, message }. Several offsets give several reminders.
 */
export function reminderRule(clause: ClauseText, ctx: RuleContext): Draft[] {
  const channelWord = clause.take(
    /\b(?:by|via|over|per|as an?)\s+(?<c>e-?mail|mail|sms|text(?: message)?|notification|push(?: notification)?)\b/i,
  )?.groups?.c;
  const emails = takeEmails(clause);
  const phones = takePhones(clause);
  const everyone = clause.take(PRONOUN) !== null;
  const offsets = takeOffsets(clause);
  const when = takeWhen(clause, ctx.ref);
  const said = clause.take(/\b(?:to|about|that|of|saying)\s+(?<take>\S.*)$/i)?.groups?.take;
  clause.take(/\b(?:an?\s+)?(?:reminders?|again|both)\b/i);
  const message = phrase(said);

  const params: Record<string, unknown> = {};
  if (message) params.message = message;
  let channel = readChannel(channelWord, emails, phones, everyone);
  const to = channel === 'sms' ? phones : channel === 'email' ? emails : [];
  // "remind everyone by email": the chained meeting's attendees are the recipients.
  const toAttendees = channel === 'email' && to.length === 0 && everyone;
  if (channel !== 'notification' && to.length === 0 && !toAttendees) {
    // "remind me by text": the plan has no address for "me"; the app notification reaches them.
    const what = channel === 'sms' ? 'phone number for an SMS' : 'address for an email';
    ctx.guess(`no ${what} reminder; sending a notification instead`, 0.85);
    channel = 'notification';
  }
  if (channel !== 'notification') params.channel = channel;
  if (to.length > 0) params.to = to;

  if (offsets.length > 0) {
    const meeting = ctx.earlier.some((d) => BOOKED.has(d.type));
    if (!meeting && when?.time && !toAttendees) {
      // "remind me an hour before my 3pm call tomorrow": no booking to chain, so work out the time.
      return offsets.map((offset) => ({
        type: 'schedule_reminder',
        params: { ...params, at: shift(when.time!, offset, ctx) },
      }));
    }
    return offsets.map((offset) => ({
      type: 'schedule_reminder',
      params: { ...params, offset },
      chain: 'booking',
      requiresChain: `"${offset.replace('-', '')} before" what? No meeting is booked earlier in the request`,
    }));
  }
  const at = reminderTime(when, ctx);
  if (toAttendees) {
    const why = 'remind whom? No meeting is planned earlier in the request';
    return [
      {
        type: 'schedule_reminder',
        params: { ...params, at },
        chain: 'meeting',
        requiresChain: why,
      },
    ];
  }
  return [{ type: 'schedule_reminder', params: { ...params, at } }];
}

function readChannel(
  word: string | undefined,
  emails: string[],
  phones: string[],
  everyone: boolean,
) {
  const w = word?.toLowerCase() ?? '';
  if (/mail/.test(w)) return 'email';
  if (/sms|text/.test(w)) return 'sms';
  if (/notification|push/.test(w)) return 'notification';
  if (phones.length > 0) return 'sms';
  if (emails.length > 0 || everyone) return 'email';
  return 'notification';
}

function reminderTime(when: When | null, ctx: RuleContext): string {
  if (!when)
    throw new CannotPlanError(
      'missing_information',
      'when should the reminder go off? No time was given',
    );
  when.guesses.forEach((g) => ctx.guess(g));
  if (when.time) {
    if (!when.dayGiven) ctx.guess(`no day given; assumed ${when.date}`);
    return when.time;
  }
  const hour = REMINDER_HOURS[when.partOfDay ?? 'morning'];
  const at = `${when.date}T${String(hour).padStart(2, '0')}:00:00`;
  ctx.guess(`no hour given for the reminder; assumed ${at}`);
  return at;
}

function shift(time: string, offset: string, ctx: RuleContext): string {
  return localIso(fromLocal(time, ctx.ref).plus({ milliseconds: parseOffset(offset) ?? 0 }));
}
