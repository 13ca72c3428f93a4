import { appearsIn, recipientsOf } from '../plan/recipients';
import { type PlanOptions, type Planner, type PlannerResult } from '../planner/planner';

/** Where an intent's text comes from. */
/** `schedule`: a recurring plan's intent, written by the tenant's own key when it made the schedule. */
export const INTENT_SOURCES = ['api', 'webhook', 'email', 'chat', 'schedule'] as const;
export type IntentSource = (typeof INTENT_SOURCES)[number];

/**
 * Text that third parties can write: an inbound email or a webhook payload
 * may carry instructions aimed at the model, so the model's own confidence
 * cannot decide alone that such a plan runs.
 */
export const UNTRUSTED_SOURCES: readonly IntentSource[] = ['webhook', 'email'];

export interface GateInput {
  text: string;
  source: IntentSource;
  result: PlannerResult;
  thresholds: { auto_execute_threshold: number; reject_threshold: number };
  /** The independent check for untrusted text planned by a model: the rules planner. */
  check: Planner;
  options: PlanOptions;
  /** Addresses the tenant's own contacts gave for names in the text. */
  fromContacts?: readonly string[];
}

export type Gate =
  | { kind: 'reject'; confidence: number; reason: string }
  | { kind: 'run'; confidence: number; approvalReasons: string[] };

/**
 * Decides what becomes of a plan:
 * - rejected when the planner's confidence is under the reject threshold;
 * - held for approval when the effective confidence is under the
 *   auto-execute threshold, or when any email address or phone number in the
 *   plan is neither written in the text nor what the tenant's contacts gave
 *   for a name in it (for every planner and source; for text a third party
 *   wrote, a contact's address counts as unknown too, since the writer chose
 *   whom to reach);
 * - otherwise run.
 * The effective confidence is the planner's, except for a model's plan of
 * untrusted text: then it is the lower of the model's number and the rules
 * planner's reading of the same text (0 when the rules cannot plan it, or
 * plan none of an action type the model used).
 */
export async function gateIntent(input: GateInput): Promise<Gate> {
  const { result, thresholds } = input;
  if (result.confidence < thresholds.reject_threshold) {
    return {
      kind: 'reject',
      confidence: result.confidence,
      reason: `the planner's confidence ${result.confidence.toFixed(2)} is below the reject threshold ${thresholds.reject_threshold}`,
    };
  }
  const reasons: string[] = [];
  const untrusted = UNTRUSTED_SOURCES.includes(input.source) && result.planner !== 'rules';
  const confidence = untrusted
    ? Math.min(result.confidence, await independentConfidence(input))
    : result.confidence;
  if (confidence < thresholds.auto_execute_threshold) {
    reasons.push(
      untrusted
        ? `the text comes from an untrusted source (${input.source}): its effective confidence ${confidence.toFixed(2)} (the lower of the model's ${result.confidence.toFixed(2)} and the rules check's) is below the auto-execute threshold ${thresholds.auto_execute_threshold}`
        : `the planner's confidence ${confidence.toFixed(2)} is below the auto-execute threshold ${thresholds.auto_execute_threshold}`,
    );
  }
  const known = new Set(UNTRUSTED_SOURCES.includes(input.source) ? [] : (input.fromContacts ?? []));
  const unknown = [
    ...new Set(
      recipientsOf(result.actions)
        .filter((r) => !appearsIn(input.text, r.address) && !known.has(r.address))
        .map((r) => r.address),
    ),
  ];
  if (unknown.length > 0) {
    reasons.push(
      `${unknown.length === 1 ? 'recipient' : 'recipients'} ${unknown.join(', ')} ${unknown.length === 1 ? 'does' : 'do'} not appear in the text`,
    );
  }
  return { kind: 'run', confidence, approvalReasons: reasons };
}

async function independentConfidence(input: GateInput): Promise<number> {
  let reading: PlannerResult;
  try {
    reading = await input.check.plan(input.text, input.options);
  } catch {
    // Cannot plan it, or failed: nothing vouches for the model's plan.
    return 0;
  }
  const types = new Set(reading.actions.map((a) => a.type));
  return input.result.actions.every((a) => types.has(a.type)) ? reading.confidence : 0;
}
