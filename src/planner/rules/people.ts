import type { ClauseText } from './clause-text';

/** A word of a name: letters, with an inner apostrophe, hyphen or dot ("O'Neil", "Jean-Luc", "J."). */
const WORD = "[\\p{L}][\\p{L}'’.-]*";
/** One person: up to three words, optionally "from <company>" ("bob from acme"). */
const PERSON = `(?:(?:my|our)\\s+)?${WORD}(?:\\s+${WORD}){0,2}?(?:\\s+from\\s+${WORD}(?:\\s+${WORD})?)?`;
/** Several people: "bob and alice", "bob, alice & carol". */
const PEOPLE = `${PERSON}(?:\\s*(?:,|\\band\\b|&)\\s*${PERSON}){0,9}`;
/** What may follow a name: a gap left by consumed text, the end, punctuation or a word of the rest. */
const END =
  '(?=\\s{2,}|\\s*$|\\s*[,;.!?:](?:\\s|$)|\\s+(?:the|an?|that|saying|to|about|regarding|and (?:say|tell|ask)|on|at|for|in|by|then|tomorrow|today|tonight|next|this)\\b)';

/** Words that end a list of names or that no contact is called. */
const NOT_A_NAME = new Set(
  (
    'me myself him her them us you everyone everybody someone somebody anyone anybody all both ' +
    'it that this there the a an and or to about at on in for by with from then today tomorrow ' +
    'tonight morning afternoon evening noon midnight week month year day hour minute minutes ' +
    'hours days weeks am pm asap later now soon again please calendar'
  ).split(' '),
);

const starts = new Map<string, RegExp>();

/**
 * Takes the people named right after `lead` (a pattern such as "with" or the
 * start of what is left), and returns their names; none when what follows is
 * not a list of names. "with bob from acme and alice tomorrow" → ["bob from
 * acme", "alice"].
 */
export function takePeople(clause: ClauseText, lead: string): string[] {
  let re = starts.get(lead);
  if (!re) {
    re = new RegExp(`${lead}(?<who>${PEOPLE})${END}`, 'iu');
    starts.set(lead, re);
  }
  const m = re.exec(clause.rest);
  const who = m?.groups?.who;
  if (!m || !who) return [];
  const names = who
    .split(/\s*(?:,|\band\b|&)\s*/i)
    .map((n) => n.replace(/^(?:my|our)\s+/i, '').trim())
    .filter((n) => n.length > 0);
  if (names.length === 0 || names.some((n) => !isName(n))) return [];
  clause.blank(m.index, m[0].length);
  return [...new Set(names)];
}

function isName(name: string): boolean {
  if (name.length > 60) return false;
  const words = name.toLowerCase().split(/\s+/);
  const person = words.indexOf('from') > 0 ? words.slice(0, words.indexOf('from')) : words;
  return person.every((w) => !NOT_A_NAME.has(w)) && !/\d/.test(name);
}
