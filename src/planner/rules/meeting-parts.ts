import { capitalize, tidy, type ClauseText } from './clause-text';
import { MEETING_NOUN } from './lexicon';

/** Words that end a title or topic written without quotes. */
const STOP =
  '(?=\\s{2,}|\\s+(?:with|on|at|for|tomorrow|today|tonight|next|this|from|by|between|starting|and then|then|lasting|in (?:\\d|an?\\b|one|two|half)|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\\b|\\s*[,;.!?](?:\\s|$)|\\s*$)';

/** Takes a title given in quotes, or after "titled", "called", "named". */
export function takeTitle(clause: ClauseText): string | undefined {
  const quoted =
    clause.take(
      /(?:\b(?:titled|called|named|entitled|with the title|title)\s+)?"(?<t>[^"]{1,200})"/i,
    ) ??
    clause.take(
      /(?:\b(?:titled|called|named|entitled|with the title|title)\s+)?(?<=^|\s)'(?<t>[^']{1,200})'(?=\s|$|[,.;])/i,
    );
  if (quoted?.groups?.t && tidy(quoted.groups.t)) return tidy(quoted.groups.t);
  const m = clause.take(
    new RegExp(
      `\\b(?:titled|called|named|entitled|with the title|with subject)\\s+(?<t>.{1,200}?)${STOP}`,
      'i',
    ),
  );
  return tidy(m?.groups?.t ?? '') || undefined;
}

/** Takes what a meeting is about ("about the budget", "to discuss hiring"). */
export function takeTopic(clause: ClauseText): string | undefined {
  const m = clause.take(
    new RegExp(
      `\\b(?:about|regarding|re:?|to discuss|to talk about|to go over|on the topic of)\\s+(?<t>.{1,200}?)${STOP}`,
      'i',
    ),
  );
  return tidy(m?.groups?.t ?? '') || undefined;
}

/** Takes the kind of meeting ("a 15-minute check-in" → "check-in"); null when none is named. */
export function takeMeetingNoun(clause: ClauseText): string | null {
  const m = clause.take(
    new RegExp(
      `\\b(?:an?\\s+|the\\s+|my\\s+|our\\s+)?(?:(?:quick|short|brief|new|video|phone|zoom|team|product|sales|intro|introductory)\\s+)*(?<noun>${MEETING_NOUN})s?\\b`,
      'i',
    ),
  );
  return m?.groups?.noun?.toLowerCase() ?? null;
}

/** Takes a place or medium ("on Zoom", "in room 4B", "at the office"). */
export function takeLocation(clause: ClauseText): string | undefined {
  const m =
    clause.take(
      /\b(?:on|via|over|using)\s+(?<l>zoom|teams|microsoft teams|google meet|meet|skype|webex|the phone)\b/i,
    ) ??
    clause.take(/\b(?:in|at)\s+(?<l>(?:room|meeting room|conference room)\s+[\w-]+)/i) ??
    clause.take(
      /\bat\s+(?<l>(?:the|our|my)\s+(?:office|hq|headquarters|studio|cafe|café|coffee shop))\b/i,
    );
  if (!m?.groups?.l) return undefined;
  return capitalize(m.groups.l.replace(/^(?:the|our|my)\s+/i, (w) => w.toLowerCase()));
}

/** Takes "at my first free slot", "whenever I'm free", "first available": book the first free slot. */
export function takeFirstFree(clause: ClauseText): boolean {
  return (
    clause.take(
      /\b(?:(?:at|in|for|on)\s+)?(?:my|the|our)?\s*(?:first|next|earliest)\s+(?:free|available|open)(?:\s+(?:slot|time|spot|window))?\b|\b(?:whenever|when)\s+(?:i'm|i am|we're|we are|i'm|both are|they're)\s+(?:free|available)\b|\bin\s+a\s+free\s+slot\b/i,
    ) !== null
  );
}

/** Bookings that are not meetings: the allowlist has no action for them. */
export const NOT_A_MEETING =
  /\b(?:flights?|hotels?|tables?|restaurants?|taxis?|cabs?|ubers?|trains?|tickets?|rental cars?|car|trip|holiday|vacation|massage|haircut)\b/i;

/** The default title: "Demo with john@example.com", "Meeting with a@x.com and b@x.com". */
export function defaultTitle(noun: string | null, attendees: string[]): string {
  const kind = nounTitle(noun);
  if (attendees.length === 0) return kind;
  if (attendees.length === 1) return `${kind} with ${attendees[0]}`;
  if (attendees.length === 2) return `${kind} with ${attendees[0]} and ${attendees[1]}`;
  return `${kind} with ${attendees[0]} and ${attendees.length - 1} others`;
}

/** "check-in" → "Check-in", used in titles built from a topic. */
export function nounTitle(noun: string | null): string {
  return noun ? capitalize(noun) : 'Meeting';
}
