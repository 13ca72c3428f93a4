import type { CorpusCase } from './corpus';

/**
 * A second held-out batch, written after the rules of issue 16 changed and
 * scored once before any further change: a check that the first batch's
 * figure was not luck. Same rules as HELD_OUT: never edited to pass. Monday
 * 2026-11-23, 09:00 in Paris unless a case says otherwise.
 */
export const HELD_OUT_2: CorpusCase[] = [
  // Nobody named.
  {
    intent:
      'Please schedule a planning session for Wednesday at 10am and remind me 15 minutes before',
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-25T10:00:00' }, absent: ['attendees'] },
      { type: 'schedule_reminder', params: { offset: '-15m' }, use_result_from: 0 },
    ],
  },
  {
    intent: 'add a 45 minute interview to my calendar tomorrow at 11',
    expect: [
      {
        type: 'book_meeting',
        params: { time: '2026-11-24T11:00:00', duration_minutes: 45 },
        absent: ['attendees'],
      },
    ],
  },
  {
    intent: 'book a coffee on Dec 1 at 8:30am and email the invite',
    expect: { error: 'missing_information' },
  },
  {
    // Since contacts: the name is looked up after planning ("my" dropped; an alias may say "accountant").
    intent: 'set up a call with my accountant on friday at 2pm',
    expect: [
      {
        type: 'book_meeting',
        params: { time: '2026-11-27T14:00:00' },
        people: [{ name: 'accountant', field: 'attendees', kind: 'email' }],
      },
    ],
  },

  // A slot found, then booked.
  {
    intent: 'find me an open slot with jay@x.com on Wednesday afternoon and book it',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-25T12:00:00', to: '2026-11-25T18:00:00' },
      },
      {
        type: 'book_meeting',
        params: { attendees: ['jay@x.com'] },
        absent: ['time'],
        use_result_from: 0,
      },
    ],
  },
  {
    intent: 'check for a free 1-hour slot with amy@x.com next week and schedule it',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-30', to: '2026-12-04', duration_minutes: 60 },
      },
      {
        type: 'book_meeting',
        params: { attendees: ['amy@x.com'], duration_minutes: 60 },
        absent: ['time'],
        use_result_from: 0,
      },
    ],
  },

  // Ranges.
  {
    intent: 'am I available from 10am to 1pm on friday?',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-27T10:00:00', to: '2026-11-27T13:00:00' },
      },
    ],
  },
  {
    intent: 'check whether I am free tomorrow between 4 and 6pm',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-24T16:00:00', to: '2026-11-24T18:00:00' },
      },
    ],
  },
  {
    intent: 'schedule a demo with ole@x.com on Thursday between 9am and 11am',
    expect: [
      {
        type: 'check_availability',
        params: { from: '2026-11-26T09:00:00', to: '2026-11-26T11:00:00' },
      },
      { type: 'book_meeting', absent: ['time'], use_result_from: 0 },
    ],
  },

  // Bookings sharing a day.
  {
    intent: 'on Wednesday, set up a call with al@x.com at 9 and a demo with bea@x.com at 11',
    expect: [
      { type: 'book_meeting', params: { time: '2026-11-25T09:00:00' } },
      { type: 'book_meeting', params: { time: '2026-11-25T11:00:00' } },
    ],
  },
  {
    intent: 'book a coffee with cat@x.com at 8am and then a review with dov@x.com at 5pm on Dec 2',
    expect: [
      { type: 'book_meeting', params: { time: '2026-12-02T08:00:00' } },
      { type: 'book_meeting', params: { time: '2026-12-02T17:00:00' } },
    ],
  },

  // Event nouns.
  {
    intent: 'book a three-hour workshop with eng@x.com on Tuesday at 9am',
    expect: [
      {
        type: 'book_meeting',
        params: { time: '2026-11-24T09:00:00', duration_minutes: 180 },
      },
    ],
  },
  {
    intent: 'schedule breakfast on Thursday at 7:30',
    expect: [
      {
        type: 'book_meeting',
        params: { title: 'Breakfast', time: '2026-11-26T07:30:00' },
        absent: ['attendees'],
      },
    ],
  },
  {
    intent: 'arrange a presentation for board@x.com on Dec 4 at 3pm',
    expect: [
      {
        type: 'book_meeting',
        params: { time: '2026-12-04T15:00:00', attendees: ['board@x.com'] },
      },
    ],
  },

  // Shared messages.
  {
    intent: 'text +14155550140 and email fay@x.com: the shipment is delayed',
    expect: [
      { type: 'send_sms', params: { message: 'The shipment is delayed' } },
      { type: 'send_email', params: { to: ['fay@x.com'], body: 'The shipment is delayed' } },
    ],
  },
  {
    intent: 'email gil@x.com, then text +14155550141 saying the doors open at 6',
    expect: [
      { type: 'send_email', params: { to: ['gil@x.com'], body: 'The doors open at 6' } },
      { type: 'send_sms', params: { message: 'The doors open at 6' } },
    ],
  },

  // Failure handlers without content.
  {
    intent:
      'book a meeting with hu@x.com on Thursday at 2pm and if it does not work call +14155550142',
    expect: [
      { type: 'book_meeting' },
      { type: 'initiate_call', params: { to: '+14155550142' }, condition: 'if_previous_failed' },
    ],
  },
  {
    intent: 'reschedule my sync with ian@x.com tomorrow to 5pm, failing that text +14155550143',
    expect: [
      { type: 'update_meeting', params: { time: '2026-11-24T17:00:00' } },
      { type: 'send_sms', params: { to: ['+14155550143'] }, condition: 'if_previous_failed' },
    ],
  },
  {
    intent: 'start the year-end campaign and if it fails email ops@x.com',
    expect: [
      { type: 'start_campaign', params: { campaign: 'year-end' } },
      { type: 'send_email', params: { to: ['ops@x.com'] }, condition: 'if_previous_failed' },
    ],
  },

  // Relative times.
  {
    intent: 'remind me in two hours to move the car',
    expect: [
      {
        type: 'schedule_reminder',
        params: { at: '2026-11-23T11:00:00', message: 'Move the car' },
      },
    ],
  },
  {
    intent: 'set up a call with kai@x.com in 30 minutes',
    timezone: 'Asia/Tokyo',
    now: new Date('2026-11-23T01:00:00Z'),
    expect: [{ type: 'book_meeting', params: { time: '2026-11-23T10:30:00' } }],
  },

  // Ordinary requests.
  {
    intent:
      'Could you organise a 1:1 with liv@x.com next Tuesday at 4pm and send her an invitation?',
    expect: [
      { type: 'book_meeting', params: { time: '2026-12-01T16:00:00' } },
      {
        type: 'send_email',
        params: { template: 'meeting_invite' },
        absent: ['to'],
        use_result_from: 0,
      },
    ],
  },
  {
    intent: 'when am I free on Dec 3?',
    expect: [{ type: 'check_availability', params: { from: '2026-12-03' } }],
  },
  {
    intent: 'postpone my interview with max@x.com on friday to monday at 11am',
    expect: [
      {
        type: 'update_meeting',
        params: {
          match: { attendee: 'max@x.com', date: '2026-11-27' },
          time: '2026-11-30T11:00:00',
        },
      },
    ],
  },
  {
    intent: 'cancel the review with nia@x.com on Thursday and let her know',
    expect: [
      { type: 'cancel_meeting', params: { match: { attendee: 'nia@x.com', date: '2026-11-26' } } },
      {
        type: 'send_email',
        params: { template: 'meeting_cancellation' },
        absent: ['to'],
        use_result_from: 0,
      },
    ],
  },
  {
    intent: 'send oz@x.com a note saying the slides are ready',
    expect: [{ type: 'send_email', params: { to: ['oz@x.com'], body: 'The slides are ready' } }],
  },
  {
    intent: 'sms +14155550144 that the keys are under the mat',
    expect: [{ type: 'send_sms', params: { message: 'The keys are under the mat' } }],
  },
  {
    intent: 'remind me tomorrow morning to water the plants',
    expect: [
      {
        type: 'schedule_reminder',
        params: { at: '2026-11-24T09:00:00', message: 'Water the plants' },
      },
    ],
  },
  {
    intent: 'dial +14155550145 and tell them the table is booked',
    expect: [{ type: 'initiate_call', params: { script: 'The table is booked' } }],
  },
  {
    intent: 'trigger the lead-sync zap',
    expect: [{ type: 'trigger_automation', params: { automation: 'lead-sync' } }],
  },
  { intent: 'buy me a new laptop', expect: { error: 'outside_allowlist' } },
  { intent: 'book a hotel in Rome for next weekend', expect: { error: 'outside_allowlist' } },
];
