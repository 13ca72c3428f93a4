const OUTSIDE: [RegExp, string][] = [
  [/\b(?:delete|remove|erase|wipe|destroy|format)\b/i, 'deleting files or data'],
  [
    /\b(?:transfer|wire|pay|refund|withdraw|deposit|invest|donate|lend)\b|[$€£]\s?\d|\b\d+\s*(?:dollars?|euros?|pounds?)\b/i,
    'moving money',
  ],
  [/\b(?:buy|purchase|order|shop for|sell|pizza|groceries)\b/i, 'buying or ordering things'],
  [/\b(?:flights?|hotels?|taxis?|ubers?|cabs?|train tickets?)\b/i, 'travel bookings'],
  [/\b(?:tweet|post|publish)\b/i, 'posting on social media'],
  [
    /\b(?:install|uninstall|download|upload|reboot|restart|shut down|hack|unlock|open)\b/i,
    'operating devices or software',
  ],
  [/\bpasswords?\b|\bcredit card\b/i, 'handling credentials or card details'],
  [/\b(?:drive|fly|print|translate|summari[sz]e)\b/i, 'tasks no allowed action performs'],
];

/**
 * Names what a request asks for when it is clearly an action the allowlist
 * does not have ("delete all my files" → "deleting files or data"); null
 * when the text is merely not understood.
 */
export function outsideAllowlist(text: string): string | null {
  for (const [re, what] of OUTSIDE) if (re.test(text)) return what;
  return null;
}

/** Repeating actions: a plan runs its steps once. */
export const RECURRING =
  /\bevery\s+(?:day|morning|evening|night|week|month|year|weekday|(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d+|other)\b|\b(?:recurring|each (?:day|week|month))\b/i;
