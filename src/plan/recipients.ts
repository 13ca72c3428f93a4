const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const PHONE_IN_TEXT = /\+?\d[\d\s().-]{5,18}\d/g;
const EMAIL_IN_TEXT = /[^\s@<>()[\]{},;:"']+@[^\s@<>()[\]{},;:"']+\.[a-z]{2,}/gi;

/** One address a plan would reach or name: an email address or an E.164 number, with its step. */
export interface Recipient {
  step: number;
  address: string;
}

/**
 * Every email address and phone number anywhere in the plan's params
 * (attendees, `to`, audiences, payloads, matches), in step order. Read from
 * every value rather than from named fields, so a new action type cannot
 * slip an address past the checks.
 */
export function recipientsOf(actions: readonly { params: Record<string, unknown> }[]): Recipient[] {
  const found: Recipient[] = [];
  const walk = (step: number, value: unknown): void => {
    if (typeof value === 'string') {
      const v = value.trim();
      if (EMAIL.test(v) || E164.test(v)) found.push({ step, address: v });
    } else if (Array.isArray(value)) value.forEach((v) => walk(step, v));
    else if (value !== null && typeof value === 'object')
      Object.values(value).forEach((v) => walk(step, v));
  };
  actions.forEach((action, step) => walk(step, action.params));
  return found;
}

/**
 * True when the address is written in `text`: an email address as such (in
 * any case), a phone number as any number of at least seven digits, however
 * punctuated, that the address ends with ("(415) 555-0123" for +14155550123).
 */
export function appearsIn(text: string, address: string): boolean {
  if (address.includes('@')) {
    const wanted = address.toLowerCase();
    return (text.match(EMAIL_IN_TEXT) ?? []).some((e) => e.toLowerCase() === wanted);
  }
  const digits = address.replace(/\D/g, '');
  return (text.match(PHONE_IN_TEXT) ?? [])
    .map((p) => p.replace(/\D/g, ''))
    .some((p) => p.length >= 7 && digits.endsWith(p));
}
