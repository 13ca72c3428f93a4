import type { ClauseText } from './clause-text';

const EMAIL = /(?<![\w.+-])[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?![\w-])/i;
const PHONE = /(?<![\w+])\+\d[\d\s().-]{5,18}\d(?!\d)/;
const LOCAL_PHONE = /(?<![\w+])\(?\d{2,4}\)?[\s.-]?\d{3}[\s.-]?\d{3,4}(?!\d)/;

/** Takes every email address in the clause, in order, without duplicates. */
export function takeEmails(clause: ClauseText): string[] {
  const found = clause.takeAll(EMAIL).map((m) => m[0]);
  return [...new Set(found)];
}

/**
 * Takes every international phone number ("+1 (415) 555-0123") and returns
 * it in E.164 form ("+14155550123").
 */
export function takePhones(clause: ClauseText): string[] {
  const found = clause.takeAll(PHONE).map((m) => `+${m[0].replace(/\D/g, '')}`);
  return [...new Set(found)].filter((p) => p.length >= 8 && p.length <= 16);
}

/** True when the clause holds a phone number without a country code, which E.164 cannot take. */
export function hasLocalPhone(clause: ClauseText): boolean {
  return clause.has(LOCAL_PHONE);
}

/** Refers to the people of a meeting planned earlier in the sentence. */
export const PRONOUN =
  /\b(?:him|her|them|everyone|everybody|all attendees|the attendees|the participants|the guests|all of them|both of them|the invitees)\b/i;
