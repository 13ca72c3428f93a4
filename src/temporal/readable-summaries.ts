import { ACTION_TYPES, type ActionType } from '../plan/action-types';
import { parseOffset } from '../plan/offset';

/**
 * The summaries Errand gives Temporal (a workflow's static summary, a step's
 * summary) stay readable in the Web UI without the codec, so they are made only
 * of action types, step numbers, offsets and generated ids: never an address,
 * a phone number, a message or a title. The encryption codec leaves a string
 * plain only when `isReadableSummary` accepts it; any other text is sealed.
 */

const TYPE = `(?:${ACTION_TYPES.join('|')})`;
const OFFSET = '[+-](?:\\d{1,6}[dhms]){1,4}';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const STEP = '\\d{1,3}';
const PLAN_TOKEN = `(?:${TYPE}|schedule_reminder ${OFFSET})`;
const INSTANT = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{3})?Z';
const STEP_OF = `step ${STEP} \\(${TYPE}\\)`;

const SHAPES = [
  // startPlanWorkflow's static summary.
  new RegExp(`^${PLAN_TOKEN}(?: → ${PLAN_TOKEN}){0,99}$`),
  // planWorkflow's step summaries, "2/3 send_email", and compensation's "undo 1 book_meeting".
  new RegExp(`^${STEP}/${STEP} ${TYPE}$`),
  new RegExp(`^undo ${STEP} ${TYPE}$`),
  // The static summaries of reminder workflows, from a plan and reinstated.
  new RegExp(`^reminder from step ${STEP} of plan ${UUID}$`),
  new RegExp(`^reminder reinstated(?: with meeting ${UUID})?$`),
  // The timers' summaries: what each wait is for, and until when.
  new RegExp(`^approval of (?:the plan|${STEP_OF}) waits for a decision until ${INSTANT}$`),
  new RegExp(`^${STEP_OF} waits until ${INSTANT}$`),
  new RegExp(`^${STEP_OF} waits for room under the tenant's action rate$`),
  new RegExp(`^step ${STEP} \\(trigger_automation\\) waits for the automation's report$`),
  new RegExp(`^reminder waits until ${INSTANT}$`),
  // The other workflows' activities and timers.
  new RegExp(`^(?:deliver|cancel) reminder ${UUID}$`),
  new RegExp(`^answer the conversation's next message$`),
  new RegExp(`^submit this run's plan$`),
  new RegExp(`^(?:until plan ${UUID} ends|read plan ${UUID}'s status)$`),
  new RegExp(`^(?:send|give up) webhook delivery ${UUID} round \\d{1,4}$`),
];

/** Whether `text` has one of the shapes above, and so may be stored unencrypted. */
export function isReadableSummary(text: string): boolean {
  return SHAPES.some((shape) => shape.test(text));
}

/**
 * A plan's static summary: its action types in order, a reminder with its
 * offset rewritten canonically (so no free text from the offset survives).
 *
 * @example planSummary([{ type: 'book_meeting' }, { type: 'schedule_reminder', offset: '-1 hour' }])
 * // 'book_meeting → schedule_reminder -1h'
 */
export function planSummary(steps: { type: ActionType; offset?: string }[]): string {
  return steps
    .map(({ type, offset }) => {
      const ms = type === 'schedule_reminder' && offset ? parseOffset(offset) : null;
      return ms === null ? type : `${type} ${canonicalOffset(ms)}`;
    })
    .join(' → ');
}

/** The summary of a reminder workflow started again for `meetingId` (a UUID, or none). */
export function reinstatedReminderSummary(meetingId: string | null): string {
  return meetingId && new RegExp(`^${UUID}$`).test(meetingId)
    ? `reminder reinstated with meeting ${meetingId}`
    : 'reminder reinstated';
}

/** "-1h30m" for -5 400 000 ms; whole seconds, largest units first. */
export function canonicalOffset(ms: number): string {
  let rest = Math.round(Math.abs(ms) / 1000);
  const parts: string[] = [];
  for (const [unit, seconds] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / seconds);
    rest -= n * seconds;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return `${ms < 0 ? '-' : '+'}${parts.join('') || '0s'}`;
}
