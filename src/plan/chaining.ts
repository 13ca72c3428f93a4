import type { ActionParams, ChainableOutput } from './action-types';
import type { PlanStep } from './validate-plan';

/**
 * Fills a step's missing inputs from the output of the step it chains to:
 * a booking's time and attendees, a meeting id, an email's recipients.
 * Values given in the step always win; a meeting's calendar comes along with
 * its id, so a change looks for it where it was booked. Pure: the workflow calls it.
 */
export function fillFromChain(
  step: PlanStep,
  chained: ChainableOutput | undefined,
): PlanStep['params'] {
  if (!chained) return step.params;
  switch (step.type) {
    case 'book_meeting': {
      const p = step.params as ActionParams<'book_meeting'>;
      return {
        ...p,
        time: p.time ?? chained.start_time,
        attendees: p.attendees ?? chained.attendees,
      };
    }
    case 'update_meeting':
    case 'cancel_meeting': {
      const p = step.params as ActionParams<'update_meeting' | 'cancel_meeting'>;
      if (p.meeting_id !== undefined || p.match !== undefined) return p;
      return { ...p, meeting_id: chained.meeting_id, calendar: p.calendar ?? chained.calendar };
    }
    case 'send_email': {
      const p = step.params as ActionParams<'send_email'>;
      return { ...p, to: p.to ?? chained.attendees };
    }
    case 'schedule_reminder': {
      const p = step.params as ActionParams<'schedule_reminder'>;
      if (p.channel !== 'email') return p;
      return { ...p, to: p.to ?? chained.attendees };
    }
    default:
      return step.params;
  }
}

/** Picks the chainable fields out of a step's output. */
export function chainableOf(output: Record<string, unknown> | null | undefined): ChainableOutput {
  if (!output) return {};
  const out: ChainableOutput = {};
  for (const key of [
    'meeting_id',
    'start_time',
    'end_time',
    'join_link',
    'title',
    'calendar',
  ] as const) {
    if (typeof output[key] === 'string') out[key] = output[key];
  }
  if (Array.isArray(output.attendees)) out.attendees = output.attendees.map(String);
  if (output.result !== undefined) out.result = output.result;
  return out;
}
