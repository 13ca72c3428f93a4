import { validatePlan } from '../plan/validate-plan';
import { STAND_IN_ADDRESS, withAddresses } from './people';
import {
  CannotPlanError,
  type PersonReference,
  type PlanOptions,
  type Planner,
  type PlannerResult,
} from './planner';
import { availabilityRule } from './rules/availability-rule';
import { bookRule, shareDays } from './rules/book-rule';
import { campaignRule, automationRule } from './rules/campaign-rules';
import { cancelRule, updateRule } from './rules/change-rules';
import { ClauseText } from './rules/clause-text';
import { describeSteps } from './rules/describe-steps';
import type { ClauseRule, Draft } from './rules/draft';
import {
  FILLER_LEAD,
  INVITE_TO_NEW,
  takeCondition,
  takeLead,
  type ClauseKind,
} from './rules/lexicon';
import { linkSteps } from './rules/link-steps';
import { callRule, emailRule, smsRule } from './rules/message-rules';
import { RECURRING, outsideAllowlist } from './rules/outside-allowlist';
import { reminderRule } from './rules/reminder-rule';
import { shareContent } from './rules/share-content';
import { splitClauses } from './rules/split-clauses';
import { makeReference } from './rules/reference';

const RULES: Record<Exclude<ClauseKind, 'forbidden'>, ClauseRule> = {
  book: (clause, ctx) => {
    const drafts = bookRule(clause, ctx);
    if (!drafts || !INVITE_TO_NEW.test(clause.original.replace(FILLER_LEAD, ''))) return drafts;
    return [...drafts, { type: 'send_email', params: {}, chain: 'meeting', meetingEmail: true }];
  },
  update: updateRule,
  cancel: cancelRule,
  availability: availabilityRule,
  email: emailRule,
  sms: (clause, ctx) => smsRule(clause, ctx),
  call: callRule,
  reminder: reminderRule,
  campaign: campaignRule,
  automation: automationRule,
};

/** A rules planner never claims certainty. */
const MAX_CONFIDENCE = 0.95;

/**
 * What the rules planner reads at most. Its cost grows faster than the length
 * of a clause (chrono-node and the clause rules rescan it), so these keep every
 * sentence to a few tens of milliseconds on the API's event loop; a longer one
 * is refused with `too_long` instead of stalling every other request.
 */
export const RULES_PLANNER_LIMITS = { characters: 2000, words: 200, clauses: 20 } as const;

/**
 * The deterministic planner: splits the sentence into clauses, reads each
 * with hand-written rules (chrono-node for dates), and links the steps.
 * No network. Throws CannotPlanError when the request is outside the
 * allowlist, lacks something a step needs, or is not understood; every plan
 * it returns passes validatePlan.
 */
export function createRulesPlanner(): Planner {
  return { plan: async (intent, options) => planWithRules(intent, options) };
}

/** The synchronous core of the rules planner. */
export function planWithRules(intent: string, options: PlanOptions): PlannerResult {
  const text = normalize(intent);
  if (!text) throw new CannotPlanError('not_understood', 'the request is empty');
  refuseTooLong(text);
  const clauses = splitClauses(text);
  if (clauses.length > RULES_PLANNER_LIMITS.clauses) {
    throw new CannotPlanError(
      'too_long',
      `the request has ${clauses.length} clauses; the rules planner reads at most ${RULES_PLANNER_LIMITS.clauses}`,
    );
  }
  const ref = makeReference(options.now, options.timezone);
  const warnings: string[] = [];
  let penalty = 1;
  const guess = (message: string, weight = 0.9) => {
    warnings.push(message);
    penalty *= weight;
  };

  const grouped: Draft[][] = [];
  let words = 0;
  let understood = 0;
  for (const raw of clauses) {
    const clause = new ClauseText(raw);
    words += clause.contentWordCount();
    const condition = takeCondition(clause);
    const kind = takeLead(clause);
    const rule = kind && kind !== 'forbidden' ? RULES[kind] : null;
    if (rule && RECURRING.test(raw)) {
      throw new CannotPlanError(
        'outside_allowlist',
        `repeating actions are not supported: "${raw}"`,
      );
    }
    const drafts = rule ? rule(clause, { ref, earlier: grouped.flat(), guess }) : null;
    if (!drafts || drafts.length === 0) {
      const outside = outsideAllowlist(raw);
      if (outside) {
        throw new CannotPlanError(
          'outside_allowlist',
          `${outside} is not an allowed action: "${raw}"`,
        );
      }
      warnings.push(`ignored "${raw}": not understood`);
      continue;
    }
    if (condition) {
      drafts.forEach((d) =>
        Object.assign(d, { condition: condition.kind, conditionOnMeeting: condition.onMeeting }),
      );
    }
    const leftover = clause.leftover();
    if (leftover.length > 0) warnings.push(`ignored "${leftover.join(' ')}" in "${raw}"`);
    understood += Math.max(0, clause.contentWordCount() - leftover.length);
    grouped.push(drafts);
  }
  if (grouped.length === 0) {
    throw new CannotPlanError('not_understood', `no allowed action recognised in "${text}"`);
  }

  shareDays(grouped.flat(), { ref, guess });
  shareContent(grouped);
  const actions = linkSteps(grouped, guess);
  const people: PersonReference[] = grouped
    .flat()
    .flatMap((d, step) => (d.people ?? []).map((p) => ({ ...p, step })));
  // Checked as it will be once the contacts give each person's address.
  const complete = people.length
    ? withAddresses(actions, people, (p) => STAND_IN_ADDRESS[p.kind])
    : actions;
  // No timezone: makeReference has already refused an unknown zone, and checking it again
  // (a new Intl.DateTimeFormat) was the largest single cost of planning a short sentence.
  const check = validatePlan({ intent: text.slice(0, 2000), actions: complete });
  if (!check.ok) {
    // What the sentence asks for breaks a bound (a 300-character subject): say which, never a 500.
    const errors = check.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    throw new CannotPlanError(
      'invalid_parameters',
      `the plan read from the request is invalid: ${errors}`,
      check.errors,
    );
  }
  const coverage = words === 0 ? 1 : understood / words;
  const confidence =
    Math.round(Math.min(MAX_CONFIDENCE, Math.max(0.05, coverage * penalty)) * 100) / 100;
  return {
    actions,
    ...(people.length > 0 && { people }),
    confidence,
    reasoning: `Rules read ${actions.length} step(s): ${describeSteps(actions)}. Understood ${understood} of ${words} meaningful words.`,
    planner: 'rules',
    warnings,
  };
}

function refuseTooLong(text: string): void {
  const { characters, words } = RULES_PLANNER_LIMITS;
  if (text.length > characters) {
    throw new CannotPlanError(
      'too_long',
      `the request is ${text.length} characters; the rules planner reads at most ${characters}`,
    );
  }
  const count = text.split(' ').length;
  if (count > words) {
    throw new CannotPlanError(
      'too_long',
      `the request is ${count} words; the rules planner reads at most ${words}`,
    );
  }
}

function normalize(intent: string): string {
  return (
    intent
      .replace(/[‘’]/g, "'")
      .replace(/[“”]/g, '"')
      .replace(/\s+/g, ' ')
      // "at 15h", "from 9h30": the European way of writing a clock time, which chrono misreads.
      .replace(
        /\b(at|from|to|until|till|between|and)\s+([01]?\d|2[0-3])h([0-5]\d)?\b/gi,
        (_m, word: string, h: string, m?: string) => `${word} ${h}:${m ?? '00'}`,
      )
      // chrono reads "from 2 to 5pm" as a range but not "between 2 and 5pm".
      .replace(
        /\bbetween\s+(\d{1,2}(?::\d{2})?\s*(?:am|pm)?)\s+and\s+(\d{1,2}(?::\d{2})?\s*(?:am|pm)?)(?![\w:])/gi,
        'between $1 to $2',
      )
      .trim()
  );
}
