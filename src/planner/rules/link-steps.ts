import { CannotPlanError, type PlannedStep } from '../planner';
import type { Draft } from './draft';

const MEETING = new Set(['book_meeting', 'update_meeting', 'cancel_meeting']);
const BOOKING = new Set(['book_meeting', 'update_meeting']);
const TEMPLATES: Record<string, string> = {
  book_meeting: 'meeting_invite',
  update_meeting: 'meeting_update',
  cancel_meeting: 'meeting_cancellation',
};

const FAILED: Record<string, string> = {
  book_meeting: 'Could not book',
  update_meeting: 'Could not move',
  cancel_meeting: 'Could not cancel',
};

/** Drafts grouped by the clause they came from, in sentence order. */
export type ClauseDrafts = Draft[][];

/**
 * Turns drafts into plan steps: resolves each chain to `use_result_from`
 * (the latest earlier step of the wanted kind), picks the email template
 * from the chained meeting step, and points each condition at the step it
 * is about: the latest meeting step when the condition names it ("if the
 * booking fails"), else the latest earlier step that is not a reminder. `guess` hears
 * about conditions dropped and content made up.
 */
export function linkSteps(clauses: ClauseDrafts, guess: (message: string) => void): PlannedStep[] {
  const drafts: Draft[] = [];
  const steps: PlannedStep[] = [];
  for (const clause of clauses) {
    const first = drafts.length;
    const onMeeting = clause[0]?.conditionOnMeeting === true;
    const target = lastIndex(drafts, (d) =>
      onMeeting ? MEETING.has(d.type) : d.type !== 'schedule_reminder',
    );
    clause.forEach((draft, k) => {
      const index = drafts.length;
      const step: PlannedStep = { type: draft.type, params: { ...draft.params } };
      if (draft.notBefore) step.not_before = draft.notBefore;
      const chainTo = resolveChain(draft, drafts);
      if (chainTo !== undefined) step.use_result_from = chainTo;
      else if (draft.requiresChain)
        throw new CannotPlanError('missing_information', draft.requiresChain);
      if (chainTo !== undefined && nobodyToWrite(step, drafts[chainTo]!)) {
        throw new CannotPlanError(
          'missing_information',
          `who should the ${step.type === 'send_email' ? 'email' : 'email reminder'} go to? The meeting has no attendees`,
        );
      }
      if (draft.meetingEmail && chainTo !== undefined && step.params.template === undefined) {
        step.params.template = TEMPLATES[drafts[chainTo]!.type];
      }
      const condition = draft.condition;
      // A step chained to a step of its own clause follows that step, not the condition.
      const ownChain = chainTo !== undefined && chainTo >= first;
      if (condition && (k === 0 || !ownChain)) {
        if (target < 0) {
          guess(`dropped "${condition}" on step ${index}: there is no earlier step to depend on`);
        } else {
          step.condition = condition;
          if (step.use_result_from === undefined && target !== index - 1)
            step.use_result_from = target;
          if (condition === 'if_previous_failed') onFailure(step, drafts, guess);
        }
      }
      if (draft.missingContent) {
        // Only a failure handler comes here (shareContent refused the rest): say what failed.
        if (!step.condition || target < 0)
          throw new CannotPlanError('missing_information', draft.missingContent);
        const note = failureNote(drafts[target]!);
        if (step.type === 'send_sms') step.params.message = note;
        else step.params.subject = note;
        guess(`no content given for the failure message; used "${note}"`);
      }
      drafts.push(draft);
      steps.push(step);
    });
  }
  return steps;
}

function resolveChain(draft: Draft, earlier: Draft[]): number | undefined {
  if (!draft.chain) return undefined;
  const kinds =
    draft.chain === 'availability'
      ? new Set(['check_availability'])
      : draft.chain === 'booking'
        ? BOOKING
        : MEETING;
  const found = lastIndex(earlier, (d) => kinds.has(d.type));
  return found < 0 ? undefined : found;
}

/**
 * A step that runs because a meeting step failed gets no output from it: an
 * email to "them" is addressed to the meeting's attendees directly, and it
 * does not use the invite template of a meeting that was never booked.
 */
function onFailure(step: PlannedStep, drafts: Draft[], guess: (message: string) => void): void {
  if (step.type !== 'send_email' || step.use_result_from === undefined) return;
  const source = drafts[step.use_result_from]!;
  if (!MEETING.has(source.type)) return;
  const attendees = source.params.attendees;
  if (step.params.to === undefined && Array.isArray(attendees)) step.params.to = attendees;
  if (step.params.template !== 'reminder') delete step.params.template;
  if (step.params.subject === undefined && step.params.body === undefined) {
    const title = typeof source.params.title === 'string' ? source.params.title : 'the meeting';
    step.params.subject = `${FAILED[source.type]} ${title}`;
    guess(
      `no content given for the failure email; used the subject "${String(step.params.subject)}"`,
    );
  }
}

function lastIndex<T>(items: T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

/** What a failure handler says when the sentence gave it nothing: which step failed. */
function failureNote(failed: Draft): string {
  const p = failed.params;
  const name = (key: string, fallback: string) =>
    typeof p[key] === 'string' ? `"${String(p[key])}"` : fallback;
  switch (failed.type) {
    case 'book_meeting':
      return `Could not book ${name('title', 'the meeting')}`;
    case 'update_meeting':
      return 'Could not move the meeting';
    case 'cancel_meeting':
      return 'Could not cancel the meeting';
    case 'check_availability':
      return 'No free slot was found';
    case 'send_email':
      return 'The email could not be sent';
    case 'send_sms':
      return 'The text message could not be sent';
    case 'initiate_call':
      return 'The call could not be placed';
    case 'schedule_reminder':
      return 'The reminder could not be scheduled';
    case 'start_campaign':
      return `Could not start the campaign ${name('campaign', '')}`.trim();
    default:
      return `Could not trigger the automation ${name('automation', '')}`.trim();
  }
}

/** An email (or email reminder) to a chained booking's attendees, when the booking has none. */
function nobodyToWrite(step: PlannedStep, chained: Draft): boolean {
  const byEmail =
    step.type === 'send_email' ||
    (step.type === 'schedule_reminder' && step.params.channel === 'email');
  return (
    byEmail &&
    step.params.to === undefined &&
    chained.type === 'book_meeting' &&
    chained.params.attendees === undefined &&
    !chained.people?.some((p) => p.field === 'attendees')
  );
}
