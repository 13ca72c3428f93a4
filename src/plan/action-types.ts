import type { ActionParamsMap } from './action-params';

/** The allowlist: nothing outside it ever runs. */
export const ACTION_TYPES = [
  'book_meeting',
  'update_meeting',
  'cancel_meeting',
  'check_availability',
  'send_email',
  'send_sms',
  'schedule_reminder',
  'initiate_call',
  'start_campaign',
  'trigger_automation',
] as const;

export type ActionType = (typeof ACTION_TYPES)[number];

export function isActionType(value: unknown): value is ActionType {
  return typeof value === 'string' && (ACTION_TYPES as readonly string[]).includes(value);
}

/** Values a step's output can hand to a later step through `use_result_from`. */
export interface ChainableOutput {
  meeting_id?: string;
  start_time?: string;
  end_time?: string;
  join_link?: string;
  attendees?: string[];
  title?: string;
}

export type ChainableField = keyof ChainableOutput;

export interface ActionInfo {
  description: string;
  /** The fields of ChainableOutput this action's output carries. */
  produces: readonly ChainableField[];
  /** What compensation does to a done step of this type; null when it cannot be undone. */
  undo: string | null;
}

const meetingFields = [
  'meeting_id',
  'start_time',
  'end_time',
  'join_link',
  'attendees',
  'title',
] as const;

export const ACTIONS: Record<ActionType, ActionInfo> = {
  book_meeting: {
    description: 'Books a meeting on the tenant calendar; a clash with another meeting fails.',
    produces: meetingFields,
    undo: 'cancels the booked meeting',
  },
  update_meeting: {
    description: 'Moves, lengthens or renames a meeting found by id or by a match.',
    produces: meetingFields,
    undo: 'restores the previous time, length and title',
  },
  cancel_meeting: {
    description: 'Cancels a meeting found by id or by a match.',
    produces: meetingFields,
    undo: 'restores the meeting unless its slot was taken meanwhile',
  },
  check_availability: {
    description: 'Lists free slots inside working hours; the first one can feed a booking.',
    produces: ['start_time', 'end_time'],
    undo: null,
  },
  send_email: {
    description: 'Sends an email, rendered with chained meeting data.',
    produces: [],
    undo: null,
  },
  send_sms: { description: 'Sends a text message to E.164 numbers.', produces: [], undo: null },
  schedule_reminder: {
    description: 'Schedules a reminder at a time or at an offset from a chained meeting.',
    produces: [],
    undo: 'cancels the reminder',
  },
  initiate_call: {
    description: 'Places a phone call, optionally with a script.',
    produces: [],
    undo: null,
  },
  start_campaign: {
    description: 'Starts a named campaign for an audience.',
    produces: [],
    undo: 'pauses the campaign',
  },
  trigger_automation: {
    description: 'POSTs to the automation webhook configured under that name.',
    produces: [],
    undo: null,
  },
};

export type ActionParams<T extends ActionType = ActionType> = ActionParamsMap[T];
