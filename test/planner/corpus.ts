import type { CannotPlanReason, PersonReference } from '../../src/planner/planner';

/** 2026-11-23T09:00:00 in Paris: a Monday morning, before the end of daylight saving matters. */
export const NOW = new Date('2026-11-23T08:00:00Z');
export const TIMEZONE = 'Europe/Paris';

/** What one planned step must look like; `params` is matched as a subset. */
export interface ExpectedStep {
  type: string;
  params?: Record<string, unknown>;
  /** Params that must not be set (e.g. `to` when chaining supplies it). */
  absent?: string[];
  use_result_from?: number;
  condition?: 'if_previous_success' | 'if_previous_failed';
  /** The step's not_before; when not given, the step must have none. */
  not_before?: string;
  /** People the step names without an address, for the contacts to find; by default none. */
  people?: Omit<PersonReference, 'step'>[];
}

export interface CorpusCase {
  intent: string;
  expect: ExpectedStep[] | { error: CannotPlanReason };
  /** Overrides TIMEZONE for this case. */
  timezone?: string;
  /** Overrides NOW for this case. */
  now?: Date;
}

const invite = { type: 'send_email', params: { template: 'meeting_invite' }, absent: ['to'] };

/** Intents the rules planner must get exactly right. */
export const CORPUS: CorpusCase[] = [
  // Booking: dates, times, durations, titles.
  {
    intent: 'Book a demo with john@example.com on Jan 13 at 3pm and email him the link',
    expect: [
      {
        type: 'book_meeting',
        params: {
          title: 'Demo with john@example.com',
          time: '2027-01-13T15:00:00',
          duration_minutes: 30,
          attendees: ['john@example.com'],
        },
      },
      { ...invite, use_result_from: 0 },
    ],
  },
  {
    intent:
      'Schedule a 45 minute call with a@x.com and b@x.com next Tuesday at 10am titled Quarterly review',
    expect: [
      {
        type: 'book_meeting',
        params: {
          title: 'Quarterly review',
          time: '2026-12-01T10:00:00',
          duration_minutes: 45,
          attendees: ['a@x.com', 'b@x.com'],
        },
      },
    ],
  },
  {
    intent: 'set up a 15-minute check-in with ann@corp.io tomorrow at 10',
    expect: [
      {
        type: 'book_meeting',
        params: {
          title: 'Check-in with ann@corp.io',
          time: '2026-11-24T10:00:00',
          duration_minutes: 15,
        },
      },
    ],
  },
  {
    intent: 'Book lunch with anna@x.com on friday at noon',
    expect: [
      {
        type: 'book_meeting',
        params: { title: 'Lunch with anna@x.com', time: '2026-11-27T12:00:00' },
      },
    ],
  },
  {
    intent: 'book a meeting with bob@x.com on 2026-12-03 at 15:00 for 1 hour',
    expect: [
      { type: 'book_meeting', params: { time: '2026-12-03T15:00:00', duration_minutes: 60 } },
    ],
  },
  {
    intent: 'schedule a call with bob@x.com in 2 hours',
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-23T11:00:00', attendees: ['bob@x.com'] } },
    ],
  },
  {
    intent:
      'Set up a meeting titled "Budget review" with cfo@acme.com on Dec 3 at 9:30 for an hour and a half',
    expect: [
      {
        type: 'book_meeting',
        params: { title: 'Budget review', time: '2026-12-03T09:30:00', duration_minutes: 90 },
      },
    ],
  },
  {
    intent: 'book a meeting with team@acme.com tomorrow from 2 to 3:30pm',
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-24T14:00:00', duration_minutes: 90 } },
    ],
  },
  {
    intent: 'Can you please schedule a sync with dev@acme.com on Thursday at 4:30pm?',
    expect: [
      {
        type: 'book_meeting',
        params: { title: 'Sync with dev@acme.com', time: '2026-11-26T16:30:00' },
      },
    ],
  },
  {
    intent: 'book a call with bob@x.com at 3',
    expect: [{ type: 'book_meeting', params: { time: '2026-11-23T15:00:00' } }],
  },
  {
    intent: 'organise a coffee with mia@x.com next Monday at 8:30am about the roadmap',
    expect: [
      {
        type: 'book_meeting',
        params: { title: 'Coffee about the roadmap', time: '2026-11-30T08:30:00' },
      },
    ],
  },
  {
    intent: 'book a call with bob@x.com on July 3 at 10am',
    expect: [{ type: 'book_meeting', params: { time: '2027-07-03T10:00:00' } }],
  },
  {
    intent: 'Book a meeting with bob@x.com on the 5th at 11am',
    expect: [{ type: 'book_meeting', params: { time: '2026-12-05T11:00:00' } }],
  },
  {
    intent: 'book an interview with cand@x.com on 12/03 at 2pm',
    expect: [
      {
        type: 'book_meeting',
        params: { title: 'Interview with cand@x.com', time: '2027-03-12T14:00:00' },
      },
    ],
  },
  {
    intent: 'book an interview with cand@x.com on 12/03 at 2pm',
    timezone: 'America/New_York',
    expect: [{ type: 'book_meeting', params: { time: '2026-12-03T14:00:00' } }],
  },
  {
    intent: 'lunch with anna@x.com on friday at 12:30',
    expect: [
      {
        type: 'book_meeting',
        params: { title: 'Lunch with anna@x.com', time: '2026-11-27T12:30:00' },
      },
    ],
  },
  {
    intent: 'invite bob@x.com to a call on Wednesday at 11am',
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-25T11:00:00', attendees: ['bob@x.com'] } },
    ],
  },
  {
    intent: 'book a video call with kim@x.com tomorrow at 9am on Zoom',
    expect: [{ type: 'book_meeting', params: { time: '2026-11-24T09:00:00', location: 'Zoom' } }],
  },

  // Booking into a free slot.
  {
    intent: 'book a call with bob@x.com tomorrow afternoon',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-24T12:00:00', to: '2026-11-24T18:00:00', duration_minutes: 30 },
      },
      {
        type: 'book_meeting',
        params: { attendees: ['bob@x.com'] },
        absent: ['time'],
        use_result_from: 0,
      },
    ],
  },
  {
    intent: 'book a 30 minute call with bob@x.com at my first free slot tomorrow',
    expect: [
      { type: 'check_availability', params: { from: '2026-11-24', duration_minutes: 30 } },
      { type: 'book_meeting', absent: ['time'], use_result_from: 0 },
    ],
  },
  {
    intent: 'find a free slot tomorrow and book a call with x@y.com',
    expect: [
      { type: 'check_availability', params: { from: '2026-11-24' } },
      {
        type: 'book_meeting',
        params: { attendees: ['x@y.com'] },
        absent: ['time'],
        use_result_from: 0,
      },
    ],
  },
  {
    intent: 'find a free 45-minute slot next week and book a demo with lea@x.com',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-30', to: '2026-12-04', duration_minutes: 45 },
      },
      {
        type: 'book_meeting',
        params: { duration_minutes: 45 },
        absent: ['time'],
        use_result_from: 0,
      },
    ],
  },

  {
    intent: 'schedule lunch with b@x.com tomorrow between 12 and 2pm',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-24T12:00:00', to: '2026-11-24T14:00:00', duration_minutes: 30 },
      },
      {
        type: 'book_meeting',
        params: { title: 'Lunch with b@x.com' },
        absent: ['time'],
        use_result_from: 0,
      },
    ],
  },

  // Emails chained to the booking, and conditions.
  {
    intent: 'book a call with bob@x.com tomorrow at 2pm and send them an invite',
    expect: [{ type: 'book_meeting' }, { ...invite, use_result_from: 0 }],
  },
  {
    intent: 'Schedule a demo with ana@x.com on friday at 11am, then send a confirmation',
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-27T11:00:00' } },
      { ...invite, use_result_from: 0 },
    ],
  },
  {
    intent:
      'book a meeting with a@x.com tomorrow at 10am and if that works email everyone the details',
    expect: [
      { type: 'book_meeting' },
      { ...invite, use_result_from: 0, condition: 'if_previous_success' },
    ],
  },
  {
    intent: 'book a call with bob@x.com tomorrow at 3pm and send him an invite if it succeeds',
    expect: [
      { type: 'book_meeting' },
      { ...invite, use_result_from: 0, condition: 'if_previous_success' },
    ],
  },
  {
    intent:
      'book a call with bob@x.com tomorrow at 3pm; if it fails, email bob@x.com that we need another slot',
    expect: [
      { type: 'book_meeting' },
      {
        type: 'send_email',
        params: { to: ['bob@x.com'], body: 'We need another slot' },
        absent: ['template'],
        condition: 'if_previous_failed',
      },
    ],
  },
  {
    intent:
      'book a call with bob@x.com tomorrow at 3pm, otherwise text +14155550123 that the slot is taken',
    expect: [
      { type: 'book_meeting' },
      {
        type: 'send_sms',
        params: { to: ['+14155550123'], message: 'The slot is taken' },
        condition: 'if_previous_failed',
      },
    ],
  },

  // Reminders.
  {
    intent: 'book a call with bob@x.com tomorrow at 2pm and remind me 1 hour before',
    expect: [
      { type: 'book_meeting' },
      { type: 'schedule_reminder', params: { offset: '-1h' }, absent: ['at'], use_result_from: 0 },
    ],
  },
  {
    intent: 'Book a demo with ana@x.com on Dec 3 at 11am. Remind me a day before.',
    expect: [
      { type: 'book_meeting', params: { time: '2026-12-03T11:00:00' } },
      { type: 'schedule_reminder', params: { offset: '-1d' }, use_result_from: 0 },
    ],
  },
  {
    intent:
      'book a call with bob@x.com tomorrow at 2pm and remind me 30 minutes before and 10 minutes before',
    expect: [
      { type: 'book_meeting' },
      { type: 'schedule_reminder', params: { offset: '-30m' }, use_result_from: 0 },
      { type: 'schedule_reminder', params: { offset: '-10m' }, use_result_from: 0 },
    ],
  },
  {
    intent: 'remind me tomorrow at 8am to call Bob',
    expect: [
      { type: 'schedule_reminder', params: { at: '2026-11-24T08:00:00', message: 'Call Bob' } },
    ],
  },
  {
    intent: 'remind me in 30 minutes to stretch',
    expect: [
      { type: 'schedule_reminder', params: { at: '2026-11-23T09:30:00', message: 'Stretch' } },
    ],
  },
  {
    intent: 'remind me to send the invoice on friday at 5pm',
    expect: [
      {
        type: 'schedule_reminder',
        params: { at: '2026-11-27T17:00:00', message: 'Send the invoice' },
      },
    ],
  },
  {
    intent:
      'book a call with a@x.com and b@x.com on friday at 10am and remind everyone by email the day before',
    expect: [
      { type: 'book_meeting', params: { attendees: ['a@x.com', 'b@x.com'] } },
      {
        type: 'schedule_reminder',
        params: { offset: '-1d', channel: 'email' },
        absent: ['to'],
        use_result_from: 0,
      },
    ],
  },
  {
    intent: 'remind me an hour before my 3pm call tomorrow',
    expect: [
      { type: 'schedule_reminder', params: { at: '2026-11-24T14:00:00' }, absent: ['offset'] },
    ],
  },
  {
    intent: 'remind me in an hour',
    expect: [{ type: 'schedule_reminder', params: { at: '2026-11-23T10:00:00' } }],
  },
  {
    intent: 'remind me by sms at +14155550123 tomorrow at 7am to take the train',
    expect: [
      {
        type: 'schedule_reminder',
        params: {
          at: '2026-11-24T07:00:00',
          channel: 'sms',
          to: ['+14155550123'],
          message: 'Take the train',
        },
      },
    ],
  },

  // Cancelling and moving.
  {
    intent: 'cancel my meeting with bob@x.com tomorrow',
    expect: [
      { type: 'cancel_meeting', params: { match: { attendee: 'bob@x.com', date: '2026-11-24' } } },
    ],
  },
  {
    intent: "Cancel the call with lea@x.com on Friday because I'm sick",
    expect: [
      {
        type: 'cancel_meeting',
        params: { match: { attendee: 'lea@x.com', date: '2026-11-27' }, reason: "I'm sick" },
      },
    ],
  },
  {
    intent: "cancel my 3pm call with bob@x.com tomorrow and email him that I'm ill",
    expect: [
      { type: 'cancel_meeting', params: { match: { attendee: 'bob@x.com', date: '2026-11-24' } } },
      {
        type: 'send_email',
        params: { template: 'meeting_cancellation', body: "I'm ill" },
        absent: ['to'],
        use_result_from: 0,
      },
    ],
  },
  {
    intent: 'move my call with bob@x.com on friday to monday at 10am',
    expect: [
      {
        type: 'update_meeting',
        params: {
          match: { attendee: 'bob@x.com', date: '2026-11-27' },
          time: '2026-11-30T10:00:00',
        },
      },
    ],
  },
  {
    intent: "reschedule tomorrow's meeting with bob@x.com to 4pm",
    expect: [
      {
        type: 'update_meeting',
        params: {
          match: { attendee: 'bob@x.com', date: '2026-11-24' },
          time: '2026-11-24T16:00:00',
        },
      },
    ],
  },
  {
    intent: 'push my demo with ana@x.com on Dec 3 to Dec 4 at 2pm and let her know',
    expect: [
      {
        type: 'update_meeting',
        params: {
          match: { attendee: 'ana@x.com', date: '2026-12-03' },
          time: '2026-12-04T14:00:00',
        },
      },
      {
        type: 'send_email',
        params: { template: 'meeting_update' },
        absent: ['to'],
        use_result_from: 0,
      },
    ],
  },
  {
    intent: 'rename my meeting with bob@x.com on friday to "Budget sync"',
    expect: [
      {
        type: 'update_meeting',
        params: { match: { attendee: 'bob@x.com', date: '2026-11-27' }, title: 'Budget sync' },
        absent: ['time'],
      },
    ],
  },
  {
    intent: "extend tomorrow's meeting with bob@x.com to 1 hour",
    expect: [
      {
        type: 'update_meeting',
        params: { match: { attendee: 'bob@x.com', date: '2026-11-24' }, duration_minutes: 60 },
        absent: ['time'],
      },
    ],
  },

  // Availability.
  {
    intent: 'when am I free tomorrow?',
    expect: [{ type: 'check_availability', params: { from: '2026-11-24' }, absent: ['to'] }],
  },
  {
    intent: 'am I free on friday afternoon?',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-27T12:00:00', to: '2026-11-27T18:00:00' },
      },
    ],
  },
  {
    intent: 'find me a 1 hour slot next week',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-30', to: '2026-12-04', duration_minutes: 60 },
      },
    ],
  },
  {
    intent: 'check my availability tomorrow at 3pm',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-24T15:00:00', to: '2026-11-24T15:30:00' },
      },
    ],
  },
  {
    intent: 'when am I free?',
    expect: [{ type: 'check_availability', params: { from: '2026-11-23' } }],
  },

  {
    intent: 'am I free between 2 and 5pm tomorrow?',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-24T14:00:00', to: '2026-11-24T17:00:00' },
      },
    ],
  },

  // Texts, emails, calls, campaigns, automations.
  {
    intent: "text +14155550123 that I'm late",
    expect: [{ type: 'send_sms', params: { to: ['+14155550123'], message: "I'm late" } }],
  },
  {
    intent: 'send an SMS to +44 20 7946 0958 saying the package arrived',
    expect: [
      { type: 'send_sms', params: { to: ['+442079460958'], message: 'The package arrived' } },
    ],
  },
  {
    intent: 'text +14155550123 and +14155550124: running 10 minutes late',
    expect: [
      {
        type: 'send_sms',
        params: { to: ['+14155550123', '+14155550124'], message: 'Running 10 minutes late' },
      },
    ],
  },
  {
    intent: 'email bob@x.com about the report',
    expect: [{ type: 'send_email', params: { to: ['bob@x.com'], subject: 'The report' } }],
  },
  {
    intent: 'email sue@x.com and tom@x.com saying the launch moved to Monday',
    expect: [
      {
        type: 'send_email',
        params: { to: ['sue@x.com', 'tom@x.com'], body: 'The launch moved to Monday' },
      },
    ],
  },
  {
    intent: 'call +14155550123',
    expect: [{ type: 'initiate_call', params: { to: '+14155550123' }, absent: ['script'] }],
  },
  {
    intent: 'call +14155550123 and tell them the order is ready',
    expect: [
      { type: 'initiate_call', params: { to: '+14155550123', script: 'The order is ready' } },
    ],
  },
  {
    intent: 'start the spring sale campaign',
    expect: [{ type: 'start_campaign', params: { campaign: 'spring sale' }, absent: ['audience'] }],
  },
  {
    intent: 'launch the Black Friday campaign for vip customers',
    expect: [
      { type: 'start_campaign', params: { campaign: 'Black Friday', audience: 'vip customers' } },
    ],
  },
  {
    intent: 'trigger the onboarding automation for new@x.com',
    expect: [
      {
        type: 'trigger_automation',
        params: { automation: 'onboarding', payload: { email: 'new@x.com' } },
      },
    ],
  },
  {
    intent: 'run the crm-sync workflow',
    expect: [{ type: 'trigger_automation', params: { automation: 'crm-sync' } }],
  },

  // Several actions in one request.
  {
    intent:
      "Book a call with a@x.com on Friday at 2pm, send an invite, remind me 15 minutes before, and text +14155550123 that it's booked",
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-27T14:00:00' } },
      { ...invite, use_result_from: 0 },
      { type: 'schedule_reminder', params: { offset: '-15m' }, use_result_from: 0 },
      { type: 'send_sms', params: { message: "It's booked" } },
    ],
  },
  {
    intent:
      'Find a free 30 minute slot tomorrow morning, then book a call with a@x.com and send them an invite',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-24T08:00:00', to: '2026-11-24T12:00:00', duration_minutes: 30 },
      },
      { type: 'book_meeting', absent: ['time'], use_result_from: 0 },
      { ...invite, use_result_from: 1 },
    ],
  },
  {
    intent:
      'Cancel my lunch with mia@x.com on Friday. Then book lunch with mia@x.com next Monday at 12:30 and let her know.',
    expect: [
      { type: 'cancel_meeting', params: { match: { attendee: 'mia@x.com', date: '2026-11-27' } } },
      { type: 'book_meeting', params: { time: '2026-11-30T12:30:00' } },
      { ...invite, use_result_from: 1 },
    ],
  },

  // Everyday phrasings beyond the basic patterns.
  {
    intent: 'Could you set up a meeting with sarah@acme.com and tom@acme.com for Thursday 2pm?',
    expect: [
      {
        type: 'book_meeting',
        params: { time: '2026-11-26T14:00:00', attendees: ['sarah@acme.com', 'tom@acme.com'] },
      },
    ],
  },
  {
    intent: 'Please book 30 mins with dan@x.io tomorrow at 11:15',
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-24T11:15:00', duration_minutes: 30 } },
    ],
  },
  {
    intent: 'I need a call with mark@x.com on monday at 9am',
    expect: [
      {
        type: 'book_meeting',
        params: { title: 'Call with mark@x.com', time: '2026-11-30T09:00:00' },
      },
    ],
  },
  {
    intent: 'Next Thursday at 2pm, book a call with jane@x.com',
    expect: [{ type: 'book_meeting', params: { time: '2026-12-03T14:00:00' } }],
  },
  {
    intent: 'Tomorrow I need a 20 minute call with ed@x.com at 11',
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-24T11:00:00', duration_minutes: 20 } },
    ],
  },
  {
    intent: 'arrange a catch-up with sam@x.com the day after tomorrow at 11',
    expect: [
      {
        type: 'book_meeting',
        params: { title: 'Catch-up with sam@x.com', time: '2026-11-25T11:00:00' },
      },
    ],
  },
  {
    intent: 'set up a half-hour call with x@y.com tomorrow at 4',
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-24T16:00:00', duration_minutes: 30 } },
    ],
  },
  {
    intent: 'book a two-hour workshop with team@x.com on friday at 1pm',
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-27T13:00:00', duration_minutes: 120 } },
    ],
  },
  {
    intent: 'book a meeting with x@y.com tomorrow at 9h30',
    expect: [{ type: 'book_meeting', params: { time: '2026-11-24T09:30:00' } }],
  },
  {
    intent: 'book a call with ed@x.com on Fri 27 Nov at 10:00',
    expect: [{ type: 'book_meeting', params: { time: '2026-11-27T10:00:00' } }],
  },
  {
    intent: 'book a call with x@y.com at 10am on 30/11',
    expect: [{ type: 'book_meeting', params: { time: '2026-11-30T10:00:00' } }],
  },
  {
    intent: 'send an invite to ed@x.com for a call tomorrow at 3pm',
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-24T15:00:00', attendees: ['ed@x.com'] } },
      { ...invite, use_result_from: 0 },
    ],
  },
  {
    intent: 'book a call with ed@x.com tomorrow at 9am',
    timezone: 'America/Los_Angeles',
    expect: [{ type: 'book_meeting', params: { time: '2026-11-24T09:00:00' } }],
  },
  {
    intent: 'book a call with ed@x.com at 3pm',
    timezone: 'Asia/Tokyo',
    expect: [{ type: 'book_meeting', params: { time: '2026-11-24T15:00:00' } }],
  },
  {
    intent: 'remind me in 2 hours to check the oven',
    now: new Date('2027-03-27T23:30:00Z'),
    expect: [
      {
        type: 'schedule_reminder',
        params: { at: '2027-03-28T03:30:00', message: 'Check the oven' },
      },
    ],
  },
  {
    intent:
      'book a meeting with a@x.com tomorrow at 10am. If it goes through, text +33612345678 that it is confirmed.',
    expect: [
      { type: 'book_meeting' },
      {
        type: 'send_sms',
        params: { to: ['+33612345678'], message: 'It is confirmed' },
        condition: 'if_previous_success',
      },
    ],
  },
  {
    intent:
      'book a call with bob@x.com tomorrow at 3pm and email him the link, and if the booking fails text +14155550123 that I could not book it',
    expect: [
      { type: 'book_meeting' },
      { ...invite, use_result_from: 0 },
      { type: 'send_sms', condition: 'if_previous_failed', use_result_from: 0 },
    ],
  },
  {
    intent: 'book a call with bob@x.com tomorrow at 2pm and remind him 1 hour before',
    expect: [
      { type: 'book_meeting' },
      {
        type: 'schedule_reminder',
        params: { offset: '-1h', channel: 'email' },
        absent: ['to'],
        use_result_from: 0,
      },
    ],
  },
  {
    intent:
      'book a call with ed@x.com tomorrow at 3pm and remind me 1 hour before by text at +14155550123',
    expect: [
      { type: 'book_meeting' },
      {
        type: 'schedule_reminder',
        params: { offset: '-1h', channel: 'sms', to: ['+14155550123'] },
        use_result_from: 0,
      },
    ],
  },
  {
    intent: 'set a reminder for tomorrow at 7pm to call mom',
    expect: [
      { type: 'schedule_reminder', params: { at: '2026-11-24T19:00:00', message: 'Call mom' } },
    ],
  },
  {
    intent: 'ping me in 15 minutes',
    expect: [{ type: 'schedule_reminder', params: { at: '2026-11-23T09:15:00' } }],
  },
  {
    intent: 'remind me on Friday at 9 to submit the report',
    expect: [
      {
        type: 'schedule_reminder',
        params: { at: '2026-11-27T09:00:00', message: 'Submit the report' },
      },
    ],
  },
  {
    intent: 'remind me about the dentist tomorrow at 4pm',
    expect: [
      { type: 'schedule_reminder', params: { at: '2026-11-24T16:00:00', message: 'The dentist' } },
    ],
  },
  {
    intent: 'please cancel the demo with lee@x.com on December 3rd',
    expect: [
      { type: 'cancel_meeting', params: { match: { attendee: 'lee@x.com', date: '2026-12-03' } } },
    ],
  },
  {
    intent: 'call off my lunch with mia@x.com friday',
    expect: [
      { type: 'cancel_meeting', params: { match: { attendee: 'mia@x.com', date: '2026-11-27' } } },
    ],
  },
  {
    intent: 'Cancel the meeting called Budget review on Friday',
    expect: [
      { type: 'cancel_meeting', params: { match: { title: 'Budget review', date: '2026-11-27' } } },
    ],
  },
  {
    intent: 'can we move the sync with dev@acme.com from Thursday to Friday at 10?',
    expect: [
      {
        type: 'update_meeting',
        params: {
          match: { attendee: 'dev@acme.com', date: '2026-11-26' },
          time: '2026-11-27T10:00:00',
        },
      },
    ],
  },
  {
    intent: 'reschedule my call with nina@x.com to next Tuesday at 3pm',
    expect: [
      {
        type: 'update_meeting',
        params: { match: { attendee: 'nina@x.com' }, time: '2026-12-01T15:00:00' },
      },
    ],
  },
  {
    intent: "Move the 'Budget review' meeting to Friday at 3pm",
    expect: [
      {
        type: 'update_meeting',
        params: { match: { title: 'Budget review' }, time: '2026-11-27T15:00:00' },
      },
    ],
  },
  {
    intent: 'Do I have any free time on Wednesday morning?',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-25T08:00:00', to: '2026-11-25T12:00:00' },
      },
    ],
  },
  {
    intent: 'find a 2 hour window on friday',
    expect: [{ type: 'check_availability', params: { from: '2026-11-27', duration_minutes: 120 } }],
  },
  {
    intent: "Send a text to +14155550123 saying I'll be 5 minutes late",
    expect: [{ type: 'send_sms', params: { message: "I'll be 5 minutes late" } }],
  },
  {
    intent: "email finance@x.com with subject Q3 invoice and say it's paid",
    expect: [{ type: 'send_email', params: { subject: 'Q3 invoice', body: "It's paid" } }],
  },
  {
    intent: "Let jo@x.com know I'm running late",
    expect: [{ type: 'send_email', params: { to: ['jo@x.com'], body: "I'm running late" } }],
  },
  {
    intent: 'email ed@x.com the meeting notes',
    expect: [{ type: 'send_email', params: { to: ['ed@x.com'], subject: 'Meeting notes' } }],
  },
  {
    intent: 'give +14155550123 a call',
    expect: [{ type: 'initiate_call', params: { to: '+14155550123' } }],
  },
  {
    intent: 'start campaign "Winter promo" for a@x.com and b@x.com',
    expect: [
      {
        type: 'start_campaign',
        params: { campaign: 'Winter promo', audience: ['a@x.com', 'b@x.com'] },
      },
    ],
  },
  {
    intent: 'fire the lead-scoring webhook',
    expect: [{ type: 'trigger_automation', params: { automation: 'lead-scoring' } }],
  },

  // A meeting with nobody named is a block in the user's own calendar.
  {
    intent: 'schedule a meeting tomorrow at 3pm',
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-24T15:00:00' }, absent: ['attendees'] },
    ],
  },
  {
    intent: 'block out a focus session on Thursday at 9am for 2 hours',
    expect: [
      {
        type: 'book_meeting',
        params: { time: '2026-11-26T09:00:00', duration_minutes: 120 },
        absent: ['attendees'],
      },
    ],
  },
  {
    intent: 'book a meeting on friday at 10am and remind me an hour before',
    expect: [
      { type: 'book_meeting', absent: ['attendees'] },
      { type: 'schedule_reminder', params: { offset: '-1h' }, use_result_from: 0 },
    ],
  },
  {
    // The invite would go to nobody: asked, not planned.
    intent: 'book a meeting on friday at 10am and send the invite',
    expect: { error: 'missing_information' },
  },
  {
    intent: 'book lunch with the team on friday at noon',
    expect: { error: 'missing_information' },
  },

  // A slot found for someone, then booked.
  {
    intent: 'search for a free 20 minute slot with pam@x.com tomorrow, then book it',
    expect: [
      { type: 'check_availability', params: { from: '2026-11-24', duration_minutes: 20 } },
      {
        type: 'book_meeting',
        params: { attendees: ['pam@x.com'], duration_minutes: 20 },
        absent: ['time'],
        use_result_from: 0,
      },
    ],
  },
  {
    intent: 'do I have a free half hour on friday morning?',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-27T08:00:00', to: '2026-11-27T12:00:00', duration_minutes: 30 },
      },
    ],
  },
  {
    intent: 'am I free tomorrow between 15:00 and 16:30?',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-24T15:00:00', to: '2026-11-24T16:30:00' },
      },
    ],
  },

  // Several bookings sharing one day.
  {
    intent: 'On Thursday set up a demo with ro@x.com at 11am and a call with su@x.com at 3pm',
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-26T11:00:00' } },
      { type: 'book_meeting', params: { time: '2026-11-26T15:00:00' } },
    ],
  },
  {
    intent: 'book a call with ro@x.com at 9am and a lunch with su@x.com at 1pm, both on friday',
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-27T09:00:00' } },
      { type: 'book_meeting', params: { time: '2026-11-27T13:00:00' } },
    ],
  },

  // One message for two channels, and failure handlers that say nothing.
  {
    intent: 'email lo@x.com and text +14155550130 that the meeting room changed',
    expect: [
      { type: 'send_email', params: { to: ['lo@x.com'], body: 'The meeting room changed' } },
      { type: 'send_sms', params: { to: ['+14155550130'], message: 'The meeting room changed' } },
    ],
  },
  {
    intent: 'book a call with ki@x.com tomorrow at 10am, otherwise text +14155550131',
    expect: [
      { type: 'book_meeting' },
      {
        type: 'send_sms',
        params: { to: ['+14155550131'], message: 'Could not book "Call with ki@x.com"' },
        condition: 'if_previous_failed',
      },
    ],
  },
  {
    intent: 'cancel my call with ki@x.com on friday, and if that fails email ki@x.com',
    expect: [
      { type: 'cancel_meeting' },
      {
        type: 'send_email',
        params: { to: ['ki@x.com'], subject: 'Could not cancel the meeting' },
        condition: 'if_previous_failed',
      },
    ],
  },
  { intent: 'email ki@x.com and text +14155550131', expect: { error: 'missing_information' } },

  // People named without an address: the tenant's contacts fill them in after planning.
  {
    intent: 'book a call with john tomorrow at 3pm',
    expect: [
      {
        type: 'book_meeting',
        params: { title: 'Call with john', time: '2026-11-24T15:00:00' },
        absent: ['attendees'],
        people: [{ name: 'john', field: 'attendees', kind: 'email' }],
      },
    ],
  },
  {
    intent: 'text bob that I am late',
    expect: [
      {
        type: 'send_sms',
        params: { message: 'I am late' },
        absent: ['to'],
        people: [{ name: 'bob', field: 'to', kind: 'phone' }],
      },
    ],
  },
  {
    intent: 'email bob from acme about the pricing',
    expect: [
      {
        type: 'send_email',
        params: { subject: 'The pricing' },
        people: [{ name: 'bob from acme', field: 'to', kind: 'email' }],
      },
    ],
  },
  {
    intent: 'book lunch with Sarah and Tom on Friday at noon and email them the details',
    expect: [
      {
        type: 'book_meeting',
        params: { title: 'Lunch with Sarah and Tom', time: '2026-11-27T12:00:00' },
        people: [
          { name: 'Sarah', field: 'attendees', kind: 'email' },
          { name: 'Tom', field: 'attendees', kind: 'email' },
        ],
      },
      { ...invite, use_result_from: 0 },
    ],
  },
  {
    intent: 'cancel my meeting with bob tomorrow',
    expect: [
      {
        type: 'cancel_meeting',
        params: { match: { date: '2026-11-24' } },
        people: [{ name: 'bob', field: 'match.attendee', kind: 'email' }],
      },
    ],
  },
  {
    intent: 'call Ann Lee and tell her the car is ready',
    expect: [
      {
        type: 'initiate_call',
        params: { script: 'The car is ready' },
        people: [{ name: 'Ann Lee', field: 'to', kind: 'phone' }],
      },
    ],
  },
  {
    intent:
      'book a demo with jo@x.com tomorrow at 3pm and text her 10 minutes before saying see you soon',
    expect: [
      { type: 'book_meeting', params: { attendees: ['jo@x.com'] } },
      {
        type: 'send_sms',
        params: { message: 'See you soon' },
        use_result_from: 0,
        not_before: '-10m',
        people: [{ name: 'jo@x.com', field: 'to', kind: 'phone' }],
      },
    ],
  },
  { intent: 'book a call with the team tomorrow at 3pm', expect: { error: 'missing_information' } },

  // Steps that wait for a time: not_before.
  {
    intent: 'call +14155550123 at 5pm',
    expect: [
      { type: 'initiate_call', params: { to: '+14155550123' }, not_before: '2026-11-23T17:00:00' },
    ],
  },
  {
    intent: 'text +14155550123 tomorrow at 9 that the parcel is coming',
    expect: [
      {
        type: 'send_sms',
        params: { to: ['+14155550123'], message: 'The parcel is coming' },
        not_before: '2026-11-24T09:00:00',
      },
    ],
  },
  {
    intent: 'book a call with ki@x.com tomorrow at 2pm and send her the follow-up on Friday at 9',
    expect: [
      { type: 'book_meeting', params: { attendees: ['ki@x.com'] } },
      {
        type: 'send_email',
        params: { template: 'meeting_follow_up' },
        absent: ['to'],
        use_result_from: 0,
        not_before: '2026-11-27T09:00:00',
      },
    ],
  },
  {
    intent: 'trigger the onboarding automation on Wednesday at 8am',
    expect: [
      {
        type: 'trigger_automation',
        params: { automation: 'onboarding' },
        not_before: '2026-11-25T08:00:00',
      },
    ],
  },

  // Moves by an amount.
  {
    intent: 'push my 3pm with bob@x.com tomorrow back by an hour',
    expect: [
      {
        type: 'update_meeting',
        params: {
          match: { attendee: 'bob@x.com', from: '2026-11-24T15:00:00', to: '2026-11-24T15:01:00' },
          shift: '+1h',
        },
        absent: ['time'],
      },
    ],
  },
  {
    intent: 'push my call with bob@x.com back an hour',
    expect: [
      { type: 'update_meeting', params: { match: { attendee: 'bob@x.com' }, shift: '+1h' } },
    ],
  },
  {
    intent: 'push my 3pm back 30 minutes',
    expect: [
      {
        type: 'update_meeting',
        params: {
          match: { from: '2026-11-23T15:00:00', to: '2026-11-23T15:01:00' },
          shift: '+30m',
        },
      },
    ],
  },
  {
    intent: 'move my meeting with ki@x.com tomorrow an hour earlier',
    expect: [
      {
        type: 'update_meeting',
        params: { match: { attendee: 'ki@x.com', date: '2026-11-24' }, shift: '-1h' },
      },
    ],
  },

  // Requests the planner must refuse.
  { intent: 'book a call with bob@x.com', expect: { error: 'missing_information' } },
  { intent: 'book a call with bob@x.com tomorrow', expect: { error: 'missing_information' } },
  { intent: 'remind me 1 hour before', expect: { error: 'missing_information' } },
  { intent: 'cancel my meeting', expect: { error: 'missing_information' } },
  { intent: 'delete all my files', expect: { error: 'outside_allowlist' } },
  { intent: 'transfer $500 to bob', expect: { error: 'outside_allowlist' } },
  { intent: 'order a pizza', expect: { error: 'outside_allowlist' } },
  { intent: 'book a flight to Paris next friday', expect: { error: 'outside_allowlist' } },
  {
    intent: 'book a call with bob@x.com tomorrow at 3pm and buy him a gift',
    expect: { error: 'outside_allowlist' },
  },
  { intent: 'remind me every day at 9am to stand up', expect: { error: 'outside_allowlist' } },
  { intent: 'cancel everything tomorrow', expect: { error: 'missing_information' } },
  { intent: 'asdf qwerty', expect: { error: 'not_understood' } },
  { intent: "what's the weather like today?", expect: { error: 'not_understood' } },
];

/**
 * Phrasings the rules planner still gets wrong. The test runs them and
 * reports the result in the accuracy figure without failing on them.
 */
export const KNOWN_GAPS: CorpusCase[] = [
  {
    // The time comes after the reminder, in a verbless trailing clause.
    intent:
      'Set up a call with jane@x.com and remind me 10 minutes before, it should be tomorrow at 4pm',
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-24T16:00:00' } },
      { type: 'schedule_reminder', params: { offset: '-10m' }, use_result_from: 0 },
    ],
  },
  {
    // "cc" should add a recipient; the rules read it as a separate email with no content.
    intent: 'book a meeting with ed@x.com on friday at 10 and cc ann@x.com',
    expect: [{ type: 'book_meeting', params: { attendees: ['ed@x.com', 'ann@x.com'] } }],
  },
  {
    // A condition on a check that comes first: the rules drop it instead of adding the check.
    intent: "if I'm free tomorrow at 3pm, book a call with ed@x.com",
    expect: [
      { type: 'check_availability', params: { from: '2026-11-24T15:00:00' } },
      {
        type: 'book_meeting',
        params: { time: '2026-11-24T15:00:00' },
        condition: 'if_previous_success',
      },
    ],
  },
  {
    // Actions told in reverse order ("after booking …").
    intent: 'email the attendees the agenda after booking a meeting with ed@x.com on friday at 10',
    expect: [{ type: 'book_meeting' }, { ...invite, use_result_from: 0 }],
  },
  {
    // "find time with X" means find a slot and book it with X.
    intent: 'Could you find time with ed@x.com next week for an hour?',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-30', to: '2026-12-04', duration_minutes: 60 },
      },
      { type: 'book_meeting', params: { duration_minutes: 60 }, use_result_from: 0 },
    ],
  },
];
