import type { PlannedStep } from '../planner';

/** One line per step for the planner's `reasoning`: what the rules read. */
export function describeSteps(steps: PlannedStep[]): string {
  return steps.map((step, i) => `${i}. ${describe(step)}`).join('; ');
}

function describe(step: PlannedStep): string {
  const p = step.params;
  const from = step.use_result_from !== undefined ? ` (using step ${step.use_result_from})` : '';
  const when = step.condition && step.condition !== 'always' ? ` [${step.condition}]` : '';
  const list = (v: unknown) => (Array.isArray(v) ? v.join(', ') : String(v));
  let what: string;
  switch (step.type) {
    case 'book_meeting':
      what = `book "${String(p.title)}" ${p.time ? `at ${String(p.time)}` : 'in the slot found'} for ${String(p.duration_minutes)} min with ${list(p.attendees)}`;
      break;
    case 'update_meeting':
    case 'cancel_meeting':
      what = `${step.type === 'cancel_meeting' ? 'cancel' : 'update'} the meeting matching ${JSON.stringify(p.match)}${p.time ? ` to ${String(p.time)}` : ''}`;
      break;
    case 'check_availability':
      what = `check free slots from ${String(p.from)}${p.to ? ` to ${String(p.to)}` : ''}`;
      break;
    case 'send_email':
      what = `email ${p.to ? list(p.to) : 'the attendees'}${p.template ? ` (${String(p.template)})` : ''}`;
      break;
    case 'send_sms':
      what = `text ${list(p.to)}`;
      break;
    case 'schedule_reminder':
      what = `remind ${p.offset ? `${String(p.offset)} from the meeting` : `at ${String(p.at)}`}`;
      break;
    case 'initiate_call':
      what = `call ${String(p.to)}`;
      break;
    case 'start_campaign':
      what = `start campaign "${String(p.campaign)}"`;
      break;
    default:
      what = `trigger automation "${String(p.automation)}"`;
  }
  return `${what}${from}${when}`;
}
