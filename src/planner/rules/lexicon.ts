import type { ClauseText } from './clause-text';

/** What a clause asks for, decided by the verb it starts with. */
export type ClauseKind =
  | 'book'
  | 'update'
  | 'cancel'
  | 'availability'
  | 'email'
  | 'sms'
  | 'call'
  | 'reminder'
  | 'campaign'
  | 'automation'
  | 'forbidden';

export type ConditionKind = 'if_previous_success' | 'if_previous_failed';

/** Nouns for a calendar event; they tell booking apart from other uses of "book" or "call". */
export const MEETING_NOUN =
  '(?:meeting|call|demo|lunch|dinner|breakfast|coffee|check-?in|catch-?up|sync|stand-?up|1:1|one-on-one|interview|appointment|session|review|presentation|workshop|event|chat)';

const NOUN_LEAD = new RegExp(`^\\s*(?:an? |my )?(?:quick |short )?${MEETING_NOUN}\\b`, 'i');

/** "send an invite to ed@x.com for a call tomorrow at 3pm": a booking plus its invite email. */
export const INVITE_TO_NEW = new RegExp(
  `^send (?:an? )?(?:calendar |meeting )?invit(?:e|ation)\\b(?=.*\\b(?:for|to) (?:a|an)\\s+(?:\\S+\\s+)?${MEETING_NOUN})`,
  'i',
);

/** Politeness and sequencing words that may precede the verb. */
export const FILLER_LEAD =
  /^\s*(?:(?:and|then|also|next|after that|afterwards|finally|first|lastly|so|ok(?:ay)?|hi|hey|hello|please|pls|kindly|just|now|go ahead and|can you|could you|would you|will you|would you mind|i need you to|i want you to|i'd like you to|i need to|i want to|i'd like to|i have to|we need to|help me|let's|lets|make sure (?:to|you)|don't forget to|remember to|be sure to|also)\b[\s,]*)+/i;

const LEADS: [RegExp, ClauseKind][] = [
  [
    /^(?:remind|set (?:up )?an? reminder|add an? reminder|create an? reminder|schedule an? reminder|reminder)\b/i,
    'reminder',
  ],
  [
    /^send (?:me |them |him |her |everyone |all attendees |the attendees )?an? (?:quick )?reminder\b/i,
    'reminder',
  ],
  [/^(?:ping|nudge|alert|notify|buzz) me\b/i, 'reminder'],
  [
    new RegExp(
      `^(?:cancel|call off|scrap|(?:delete|remove|drop|clear)(?=\\s+(?:\\S+\\s+){0,4}?${MEETING_NOUN}))\\b`,
      'i',
    ),
    'cancel',
  ],
  [
    /^(?:move|reschedule|re-schedule|push|postpone|shift|bring forward|change|rename|extend|shorten|update)\b/i,
    'update',
  ],
  [
    /^(?:when am i|when are we|when is my calendar|am i|are we|check|find|look for|search for|see if|see when|what(?:'s| is) my availability|is there|do i have|show me my free|get my availability|list my free|(?:my )?availability|free slots?)\b/i,
    'availability',
  ],
  [/^(?:text|sms|send (?:an? )?(?:text|sms|message)(?: message)?|message|whatsapp)\b/i, 'sms'],
  [
    /^(?:start|launch|kick off|kick-off|begin|run|activate|send out|send|trigger)\b(?=.*\bcampaign\b)/i,
    'campaign',
  ],
  [
    /^(?:trigger|run|fire|kick off|start|execute|launch|invoke|call)\b(?=.*\b(?:automation|workflow|webhook|zap)\b)/i,
    'automation',
  ],
  [
    new RegExp(`^invite\\b(?=.*\\bto (?:a|an|the|my|our)\\s+(?:\\S+\\s+)?${MEETING_NOUN})`, 'i'),
    'book',
  ],
  [INVITE_TO_NEW, 'book'],
  [/^(?:call|phone|ring|dial|give(?=\s+\S+\s+a\s+(?:call|ring)\b))\b/i, 'call'],
  [
    /^(?:book|schedule|set up|setup|arrange|organi[sz]e|plan|put|add|create|set|get me|make|have|hold|block|meet)\b/i,
    'book',
  ],
  [new RegExp(`^(?:an? |my )?(?:quick |short )?${MEETING_NOUN}\\b(?=.*@)`, 'i'), 'book'],
  [
    /^(?:email|e-mail|mail|send|notify|invite|confirm|forward|write|let|tell|inform|ping|cc)\b/i,
    'email',
  ],
  [
    /^(?:delete|remove|erase|wipe|destroy|format|transfer|wire|pay|buy|purchase|order|refund|withdraw|deposit|sell|invest|donate|tweet|post|publish|install|uninstall|download|upload|share|hack|shut|reboot|restart|turn off|unlock|open|drive|fly|print|translate|summari[sz]e)\b/i,
    'forbidden',
  ],
];

const SUCCESS =
  /,?\s*\b(?:(?:if|once|when|provided)\s+(?:that|it|this|the\s+(?:booking|meeting|call|demo|lunch|slot|check|reservation|previous step|first step|move|update|cancellation))\s+(?:works|worked|succeeds|succeeded|goes through|went through|is successful|was successful|is booked|is confirmed|is done|is free|is available|is moved)|(?:once|when|if)\s+(?:that's|it's|it is|that is)\s+(?:booked|done|confirmed|moved|cancelled|canceled|set)|if (?:successful|so|it's free|i'm free)|on success)\b,?/i;
const FAILURE =
  /,?\s*\b(?:(?:if|in case|when)\s+(?:that|it|this|the\s+(?:booking|meeting|call|demo|lunch|slot|check|reservation|previous step|first step|move|update|cancellation))\s+(?:fails|failed|doesn't work|does not work|didn't work|did not work|is taken|is not available|isn't available|is busy|can't be booked|cannot be booked|doesn't go through|does not go through|bounces)|(?:if|in case)\s+(?:that's|it's|it is|that is)\s+(?:taken|not possible|busy|unavailable)|if not|if unsuccessful|otherwise|or else|failing that|on failure)\b,?/i;

export interface Condition {
  kind: ConditionKind;
  /** The phrase names the meeting step ("if the booking fails") rather than "it". */
  onMeeting: boolean;
}

const NAMES_MEETING =
  /\b(?:booking|meeting|call|demo|lunch|reservation|move|update|cancellation|booked)\b/i;

/** Takes a condition phrase ("if that works", "otherwise") from anywhere in the clause. */
export function takeCondition(clause: ClauseText): Condition | undefined {
  const failed = clause.take(FAILURE);
  if (failed) return { kind: 'if_previous_failed', onMeeting: NAMES_MEETING.test(failed[0]) };
  const worked = clause.take(SUCCESS);
  if (worked) return { kind: 'if_previous_success', onMeeting: NAMES_MEETING.test(worked[0]) };
  return undefined;
}

const LEADING_CONDITION = new RegExp(`^\\s*(?:${FAILURE.source}|${SUCCESS.source})`, 'i');
const ONLY_CONDITION = new RegExp(
  `^\\s*(?:${FAILURE.source}|${SUCCESS.source})\\s*[,.;:]?\\s*$`,
  'i',
);

/** Strips politeness fillers and a leading condition, then names the verb the text starts with. */
export function leadKind(text: string): ClauseKind | null {
  let rest = text.replace(FILLER_LEAD, '');
  const cond = LEADING_CONDITION.exec(rest);
  if (cond) rest = rest.slice(cond[0].length).replace(FILLER_LEAD, '');
  rest = rest.trimStart();
  for (const [re, kind] of LEADS) if (re.test(rest)) return kind;
  return null;
}

/** True when the text is nothing but a condition phrase ("if it fails,"). */
export function isOnlyCondition(text: string): boolean {
  return ONLY_CONDITION.test(text.replace(FILLER_LEAD, ''));
}

/**
 * Consumes the fillers and the verb a clause starts with and returns its
 * kind. When the clause does not start with a known verb ("hmm maybe set up
 * a call…"), the first known verb later in it counts, and the words before
 * it stay unconsumed (they lower the confidence). Null when there is none.
 */
export function takeLead(clause: ClauseText): ClauseKind | null {
  clause.take(FILLER_LEAD);
  const rest = clause.rest;
  for (const m of rest.matchAll(/(?<=^|\s)\S/g)) {
    const text = rest.slice(m.index);
    for (const [anchored, kind] of ANCHORED_LEADS) {
      if (!anchored.test(text)) continue;
      // Keep a meeting noun ("lunch with ...") for the booking rules; consume only verbs.
      if (kind === 'book' && NOUN_LEAD.test(text)) return kind;
      const at = clause.region(m.index);
      at.take(anchored);
      at.take(FILLER_LEAD);
      return kind;
    }
  }
  return null;
}

/** LEADS allowing the blanks consumed text leaves before the verb; built once. */
const ANCHORED_LEADS: [RegExp, ClauseKind][] = LEADS.map(([re, kind]) => [
  new RegExp(`^\\s*(?:${re.source.replace(/^\^/, '')})`, re.flags),
  kind,
]);
