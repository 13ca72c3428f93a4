import { isOnlyCondition, leadKind } from './lexicon';

/** Places a request may break into separate actions. */
const BOUNDARY =
  /(?:[.!?;]+\s+|\s*,\s*(?:and then\s+|and\s+|then\s+|but\s+)?|\s+(?:and then|and also|and|then|but|also|after that|afterwards)\s+)/gi;

/**
 * Splits a request into one clause per action. A boundary ("and", "then", a
 * comma, a full stop) only splits when what follows starts with a verb the
 * rules know, so "with a@x.com and b@x.com" or "30 minutes before and 10
 * minutes before" stay whole. A clause that is only a condition ("if it
 * fails,") joins the clause after it, or the one before when it comes last.
 * A verbless opening ("Tomorrow at 3,") is moved into the first action.
 */
export function splitClauses(intent: string): string[] {
  const pieces: string[] = [];
  let last = 0;
  for (const m of intent.matchAll(BOUNDARY)) {
    const after = intent.slice(m.index + m[0].length);
    if (leadKind(after) === null && !isOnlyCondition(leadingPart(after))) continue;
    // "call +1… and tell them …": what to say on the call, not an email.
    // "write to ray@x.com … and tell him it is overdue": what the same message says.
    const current = leadKind(intent.slice(last));
    if (
      (current === 'call' || current === 'email' || current === 'sms') &&
      /^(?:tell|say)\b/i.test(after)
    )
      continue;
    pieces.push(intent.slice(last, m.index));
    last = m.index + m[0].length;
  }
  pieces.push(intent.slice(last));

  const clauses: string[] = [];
  let pendingCondition = '';
  const trimmed = pieces.map((p) => p.trim()).filter((p) => p.length > 0);
  // "Next Thursday at 2pm, book a call…": a verbless opening belongs to the first action
  // (not "On Friday book a call…", whose verb comes after the day).
  if (trimmed.length > 1 && !hasVerb(trimmed[0]!) && !isOnlyCondition(trimmed[0]!)) {
    trimmed.splice(0, 2, `${trimmed[1]} ${trimmed[0]!.replace(/[,.;:]+$/, '')}`);
  }
  for (const piece of trimmed) {
    if (isOnlyCondition(piece)) {
      pendingCondition += `${piece} `;
      continue;
    }
    clauses.push(`${pendingCondition}${piece}`);
    pendingCondition = '';
  }
  if (pendingCondition) {
    if (clauses.length > 0) clauses[clauses.length - 1] += ` ${pendingCondition.trim()}`;
    else clauses.push(pendingCondition.trim());
  }
  return clauses;
}

/** The text up to the next comma or full stop: where a leading condition would end. */
function leadingPart(text: string): string {
  return /^[^,.;!?]*/.exec(text)?.[0] ?? text;
}

/** True when a verb the rules know starts any word of the text. */
function hasVerb(text: string): boolean {
  for (const m of text.matchAll(/(?<=^|\s)\S/g))
    if (leadKind(text.slice(m.index)) !== null) return true;
  return false;
}
