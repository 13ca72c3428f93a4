/**
 * Turns a sentence into an action plan. Planning runs outside workflow code
 * (before a plan starts), so changing how plans are made never breaks the
 * replay of plans already running.
 */
export interface Planner {
  plan(intent: string, options: PlanOptions): Promise<PlannerResult>;
}

export interface PlanOptions {
  /** The instant relative times ("tomorrow", "in 2 hours") are read against. */
  now: Date;
  /** IANA time zone the sentence's wall-clock times are in. */
  timezone: string;
  /** Whom the plan is for, as Errand knows it; the caller cannot change it. */
  tenant?: PlannerTenant;
  /** What the caller adds (names, defaults): data for the planner, never instructions over the tenant. */
  context?: Record<string, unknown>;
  /**
   * Takes a language model's answer as it is written, piece by piece (`round`
   * 0, then 1 for a repair), for a client that streams the turn. The rules
   * planner writes none; the result is the same whether or not it is given.
   */
  onToken?: (text: string, round: number) => void;
}

export interface PlannerTenant {
  id: string;
  name: string;
  timezone: string;
}

/** A step in the submitted plan format (see src/plan/validate-plan.ts). */
export interface PlannedStep {
  type: string;
  params: Record<string, unknown>;
  use_result_from?: number;
  condition?: 'always' | 'if_previous_success' | 'if_previous_failed';
  /** Not before this ISO local time, or this offset from the chained step's start ("-10m"). */
  not_before?: string;
}

/**
 * Someone the sentence names without an address ("with Bob", "text bob from
 * acme"): the tenant's contacts decide who it is before the plan is submitted
 * (src/contacts/resolve-people.ts). Until then the step lacks that address.
 */
export interface PersonReference {
  /** As written, without a leading "my"/"our": "Bob", "bob from acme". */
  name: string;
  /** The index of the step in `actions` the address belongs to. */
  step: number;
  /** A list (`attendees`, a message's `to`) gets the address appended; a call's `to` and `match.attendee` are set. */
  field: 'attendees' | 'to' | 'match.attendee';
  kind: 'email' | 'phone';
}

export interface PlannerResult {
  actions: PlannedStep[];
  /** People named without an address, still to be looked up in the tenant's contacts. */
  people?: PersonReference[];
  /** 0..1: how much of the sentence the planner understood. */
  confidence: number;
  reasoning: string;
  planner: 'rules' | 'openai';
  warnings: string[];
  /** For LLM planners: what was asked and answered, for the decision log. */
  model?: string;
  prompt?: unknown;
  response?: unknown;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

export type CannotPlanReason =
  | 'outside_allowlist'
  | 'missing_information'
  | 'not_understood'
  /** The sentence is longer than the planner reads (see RULES_PLANNER_LIMITS). */
  | 'too_long'
  /** What the sentence asks for breaks a parameter's bounds, e.g. a subject too long. */
  | 'invalid_parameters';

/** One field of the plan the planner would have built, and what is wrong with it. */
export interface CannotPlanDetail {
  path: string;
  message: string;
}

/** The planner understood the request but cannot turn it into an allowed plan. */
export class CannotPlanError extends Error {
  override name = 'CannotPlanError';
  constructor(
    readonly reason: CannotPlanReason,
    message: string,
    readonly details: CannotPlanDetail[] = [],
  ) {
    super(message);
  }
}
