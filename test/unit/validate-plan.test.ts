import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/plan/validate-plan';

const book = {
  type: 'book_meeting',
  params: { title: 'Demo', time: '2026-01-13T15:00:00', attendees: ['john@example.com'] },
};
const plan = (...actions: unknown[]) => ({ intent: 'test', actions });

function errorsOf(input: unknown) {
  const result = validatePlan(input);
  if (result.ok) throw new Error('expected the plan to be refused');
  return result.errors;
}

describe('validatePlan accepts', () => {
  it.each([
    [
      'the three-step demo',
      plan(
        book,
        { type: 'send_email', use_result_from: 0, params: {} },
        { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1h' } },
      ),
    ],
    [
      'a reminder at an absolute time',
      plan({
        type: 'schedule_reminder',
        params: { at: '2026-01-13T08:00:00+01:00', message: 'call Bob' },
      }),
    ],
    [
      'a booking whose time comes from an availability check',
      plan(
        { type: 'check_availability', params: { from: '2026-01-13' } },
        { type: 'book_meeting', use_result_from: 0, params: { title: 'x', attendees: [] } },
      ),
    ],
    [
      'a cancellation by match',
      plan({
        type: 'cancel_meeting',
        params: { match: { attendee: 'john@example.com', date: '2026-01-13' } },
      }),
    ],
    [
      'an update chained to a booking',
      plan(book, { type: 'update_meeting', use_result_from: 0, params: { duration_minutes: 60 } }),
    ],
    [
      'every other allowlisted type',
      plan(
        { type: 'send_sms', params: { to: ['+14155550123'], message: 'hi' } },
        { type: 'initiate_call', params: { to: '+14155550123' } },
        { type: 'start_campaign', params: { campaign: 'spring' } },
        { type: 'trigger_automation', params: { automation: 'crm-sync', payload: { a: 1 } } },
      ),
    ],
    [
      '50 steps',
      plan(
        ...Array.from({ length: 50 }, () => ({
          type: 'send_sms',
          params: { to: ['+14155550123'], message: 'x' },
        })),
      ),
    ],
  ])('%s', (_name, input) => {
    const result = validatePlan(input);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('fills defaults: a 30-minute meeting, condition always, on_failure stop', () => {
    const result = validatePlan(plan(book));
    expect(result.ok && result.plan).toMatchObject({
      on_failure: 'stop',
      actions: [{ condition: 'always', params: { duration_minutes: 30 } }],
    });
  });
});

describe('validatePlan refuses, naming the step and the reason:', () => {
  it.each([
    [
      'an unknown type, listing the allowed ones',
      plan(book, { type: 'delete_files', params: {} }),
      'actions[1].type',
      /unknown action type "delete_files"; allowed: book_meeting, .*trigger_automation/,
    ],
    [
      'use_result_from pointing at the step itself',
      plan(book, { type: 'send_email', use_result_from: 1, params: {} }),
      'actions[1].use_result_from',
      /step 1 \(send_email\): cannot use its own result/,
    ],
    [
      'use_result_from pointing at a later step',
      plan({ type: 'send_email', use_result_from: 1, params: {} }, book),
      'actions[0].use_result_from',
      /step 1 runs later/,
    ],
    [
      'use_result_from pointing at nothing',
      plan(book, { type: 'send_email', use_result_from: -1, params: {} }),
      'actions[1].use_result_from',
      /there is no step -1/,
    ],
    [
      'an offset that does not parse',
      plan(book, { type: 'schedule_reminder', use_result_from: 0, params: { offset: 'soonish' } }),
      'actions[1].params.offset',
      /offset "soonish" does not parse/,
    ],
    [
      'an offset without a unit',
      plan(book, { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-60' } }),
      'actions[1].params.offset',
      /does not parse/,
    ],
    [
      'a reminder with neither at nor offset',
      plan({ type: 'schedule_reminder', params: { message: 'x' } }),
      'actions[0].params',
      /needs at, or an offset/,
    ],
    [
      'an offset with no chained time',
      plan({ type: 'schedule_reminder', params: { offset: '-1h' } }),
      'actions[0].params.offset',
      /needs use_result_from/,
    ],
    [
      'an offset chained to a step without a start time',
      plan(
        { type: 'send_sms', params: { to: ['+14155550123'], message: 'x' } },
        { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1h' } },
      ),
      'actions[1].params.offset',
      /needs use_result_from/,
    ],
    [
      'a malformed email',
      plan({ type: 'send_email', params: { to: ['not-an-email'], subject: 'x' } }),
      'actions[0].params.to[0]',
      /email/,
    ],
    [
      'a malformed phone number',
      plan({ type: 'send_sms', params: { to: ['555-1234'], message: 'x' } }),
      'actions[0].params.to[0]',
      /E\.164/,
    ],
    [
      'a missing required parameter',
      plan({ type: 'send_sms', params: { to: ['+14155550123'] } }),
      'actions[0].params.message',
      /.+/,
    ],
    [
      'a booking with no time, given or chained',
      plan({ type: 'book_meeting', params: { title: 'x', attendees: [] } }),
      'actions[0].params.time',
      /missing required parameter time/,
    ],
    [
      'a booking chained to a step that has no start time',
      plan(
        { type: 'send_sms', params: { to: ['+14155550123'], message: 'x' } },
        { type: 'book_meeting', use_result_from: 0, params: { title: 'x', attendees: [] } },
      ),
      'actions[1].params.time',
      /step 0 \(send_sms\) does not provide start_time/,
    ],
    [
      'an unknown parameter',
      plan({ type: 'send_sms', params: { to: ['+14155550123'], message: 'x', priority: 'high' } }),
      'actions[0].params',
      /unknown field\(s\): priority/,
    ],
    [
      'more than 50 steps',
      plan(...Array.from({ length: 51 }, () => book)),
      'actions',
      /at most 50/,
    ],
    [
      'a condition on the first step',
      plan({ ...book, condition: 'if_previous_success' }),
      'actions[0].condition',
      /needs a previous step/,
    ],
    [
      'an unknown time zone',
      { ...plan(book), timezone: 'Mars/Olympus' },
      'timezone',
      /IANA time zone/,
    ],
    [
      'a time that is not ISO-8601',
      plan({ ...book, params: { ...book.params, time: 'tomorrow 3pm' } }),
      'actions[0].params.time',
      /ISO-8601/,
    ],
    ['an empty plan', plan(), 'actions', /at least one action/],
    [
      'an update that changes nothing',
      plan({ type: 'update_meeting', params: { meeting_id: 'abc' } }),
      'actions[0].params',
      /nothing to change/,
    ],
    [
      'a match with no criteria',
      plan({ type: 'cancel_meeting', params: { match: {} } }),
      'actions[0].params.match',
      /at least one of attendee, date, from, to, title or calendar/,
    ],
  ])('%s', (_name, input, path, message) => {
    const errors = errorsOf(input);
    expect(errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('reports every bad step at once', () => {
    const errors = errorsOf(plan({ type: 'nope' }, { type: 'send_sms', params: {} }));
    expect(errors.map((e) => e.path)).toEqual([
      'actions[0].type',
      'actions[1].params.to',
      'actions[1].params.message',
    ]);
  });

  it.each([null, 'a string', 42, [], { actions: [] }])('a body that is not a plan: %j', (input) => {
    expect(errorsOf(input).length).toBeGreaterThan(0);
  });
});
