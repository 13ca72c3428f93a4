import type { ActionParamsMap } from './action-params';

/** The allowlist: nothing outside it ever runs. */
export const ACTION_TYPES = [
  'book_meeting',
  'update_meeting',
  'cancel_meeting',
  'check_availability',
  'find_meetings',
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
  /** What an awaited automation reported back, for the steps that chain on it. */
  result?: unknown;
  /** The calendar the meeting is on, so a change chained to it looks there. */
  calendar?: string;
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
  'calendar',
] as const;

export const ACTIONS: Record<ActionType, ActionInfo> = {
  book_meeting: {
    description:
      'Books a meeting with a join link on a calendar of the tenant (`calendar`, default primary; built in: Postgres); a clash with another confirmed meeting on that calendar fails it. `items` books several in one step (all_or_nothing decides whether one failure undoes the rest); the first booked one chains.',
    produces: meetingFields,
    undo: 'cancels the booked meeting, or every booked item',
  },
  update_meeting: {
    description:
      'Moves (to a time, or by a shift such as +1h), lengthens or renames a meeting found by id or by a match; its reminders move with it. With all: true, every meeting the match selects (max_results, default 50), with a result per meeting and a summary.',
    produces: meetingFields,
    undo: 'restores the previous time, length and title of each changed meeting',
  },
  cancel_meeting: {
    description:
      'Cancels a meeting found by id or by a match; its reminders are cancelled too. With all: true, every meeting the match selects (max_results, default 50), with a result per meeting and a summary.',
    produces: meetingFields,
    undo: 'restores each cancelled meeting unless its slot was taken meanwhile',
  },
  check_availability: {
    description:
      'Lists free slots inside the tenant working hours, in a window of at most 90 days, counting the busy time of the calendars named (default primary); the first one can feed a booking. Changes nothing.',
    produces: ['start_time', 'end_time'],
    undo: null,
  },
  find_meetings: {
    description:
      'Lists the confirmed meetings a match selects (by date or from/to range, attendee, title, calendar; without dates, those not yet over), earliest first, at most max_results (default 50, at most 500). Changes nothing; the first meeting chains.',
    produces: meetingFields,
    undo: null,
  },
  send_email: {
    description:
      'Records an email, rendered with chained meeting data, in the built-in outbox (status queued) for a relay to send; Errand itself sends no email until an email provider is connected.',
    produces: [],
    undo: null,
  },
  send_sms: {
    description:
      'Records a text message to E.164 numbers in the built-in outbox (status queued) for a relay to send; Errand itself sends no SMS until an SMS provider is connected.',
    produces: [],
    undo: null,
  },
  schedule_reminder: {
    description:
      'Schedules a reminder at a time or at an offset from a chained meeting; when due, it is written to the built-in outbox on its channel for a relay to deliver.',
    produces: [],
    undo: 'cancels the reminder',
  },
  initiate_call: {
    description:
      'Records a call request (number and optional script) in the built-in outbox for a relay or dialer to place; Errand itself places no call until a calling provider is connected.',
    produces: [],
    undo: null,
  },
  start_campaign: {
    description:
      'Records the start of a named campaign and its audience in the built-in outbox for a relay to act on; Errand itself messages no audience until a campaign provider is connected.',
    produces: [],
    undo: 'pauses the campaign',
  },
  trigger_automation: {
    description:
      'POSTs to the webhook configured under that name in the tenant settings and records its answer; with no webhook configured, the request waits in the built-in outbox. With await_completion the plan waits (durably, up to completion_timeout) for the automation to report back to the callback URL it was given, and later steps chain on the result it reports.',
    produces: [],
    undo: null,
  },
};

export type ActionParams<T extends ActionType = ActionType> = ActionParamsMap[T];
