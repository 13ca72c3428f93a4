import type { ActionType } from '../../plan/action-types';
import type { ClauseText } from './clause-text';
import type { ConditionKind } from './lexicon';
import type { Reference } from './reference';
import type { PersonReference } from '../planner';

/** A step as a clause rule proposes it, before steps are linked to each other. */
export interface Draft {
  type: ActionType;
  params: Record<string, unknown>;
  /** Reads data from the latest earlier step of this kind; linkSteps turns it into use_result_from. */
  chain?: 'meeting' | 'booking' | 'availability';
  /** Why the plan cannot work without the chained step; set when the chain is mandatory. */
  requiresChain?: string;
  /** An email about a meeting with no template of its own: linkSteps picks one from the meeting step. */
  meetingEmail?: boolean;
  condition?: ConditionKind;
  /** A check_availability for a meeting with these people ("a free slot with ed@x.com"). */
  with?: string[];
  /** The kind of meeting a check_availability looks for ("a slot for a call"). */
  noun?: string;
  /** The day a booking's clause named itself; a later booking given only an hour shares it. */
  day?: string;
  /** The booking's hour was given without a day: an earlier or later booking's day may apply. */
  hourOnly?: boolean;
  /**
   * A message with no content of its own: the next clause's message fills it ("email a@x.com
   * and text +1…: …"), or a failure handler's default; else the plan is refused with this.
   */
  missingContent?: string;
  /** When the step waits for: an ISO local time, or an offset from the chained meeting's start. */
  notBefore?: string;
  /** People the clause names without an address; the contacts fill them in after planning. */
  people?: Omit<PersonReference, 'step'>[];
  /** The condition names the meeting ("if the booking fails"), not just the step before. */
  conditionOnMeeting?: boolean;
}

/** What a clause rule may read and report besides the clause itself. */
export interface RuleContext {
  ref: Reference;
  /** Drafts of the clauses before this one. */
  earlier: readonly Draft[];
  /** Records a default the rules chose; it becomes a warning and lowers confidence by `weight`. */
  guess(message: string, weight?: number): void;
}

/** Turns one clause into drafts; null when the clause is not of this rule's kind after all. */
export type ClauseRule = (clause: ClauseText, ctx: RuleContext) => Draft[] | null;
