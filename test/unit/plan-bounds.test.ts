import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/plan/validate-plan';

const plan = (...actions: unknown[]) => ({ intent: 'test', actions });
const availability = (params: Record<string, unknown>) =>
  plan({ type: 'check_availability', params });

function errorsOf(input: unknown) {
  const result = validatePlan(input);
  if (result.ok) throw new Error('expected the plan to be refused');
  return result.errors;
}

describe('validatePlan bounds dates to the years 1970 to 2200:', () => {
  it.each([
    [
      'a booking in year 9999',
      plan({
        type: 'book_meeting',
        params: { title: 'x', time: '9999-12-31T10:00:00', attendees: [] },
      }),
      'actions[0].params.time',
    ],
    [
      'a booking in year 1',
      plan({
        type: 'book_meeting',
        params: { title: 'x', time: '0001-01-01T10:00:00Z', attendees: [] },
      }),
      'actions[0].params.time',
    ],
    [
      'a reminder in year 9999',
      plan({ type: 'schedule_reminder', params: { at: '9999-01-01T08:00:00+01:00' } }),
      'actions[0].params.at',
    ],
    [
      'a match date in year 1',
      plan({ type: 'cancel_meeting', params: { match: { date: '0001-01-01' } } }),
      'actions[0].params.match.date',
    ],
    [
      'an availability window ending in 9999',
      availability({ from: '2026-01-05', to: '9999-12-31' }),
      'actions[0].params.to',
    ],
    [
      'an availability check from year 1',
      availability({ from: '0001-01-01' }),
      'actions[0].params.from',
    ],
  ])('%s', (_name, input, path) => {
    expect(errorsOf(input)).toContainEqual({ path, message: 'must be in the years 1970 to 2200' });
  });

  it.each(['1970-01-01T00:00:00Z', '2200-12-31T23:00:00'])('accepts %s', (time) => {
    const result = validatePlan(
      plan({ type: 'book_meeting', params: { title: 'x', time, attendees: [] } }),
    );
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});

describe('validatePlan bounds availability windows:', () => {
  it('refuses the 2026-to-9999 whole-day search that froze the worker', () => {
    const errors = errorsOf(
      availability({ from: '2026-01-05', to: '9999-12-31', duration_minutes: 1440 }),
    );
    expect(errors.map((e) => e.path)).toContain('actions[0].params.to');
  });

  it('refuses a window longer than 90 days', () => {
    expect(errorsOf(availability({ from: '2026-01-01', to: '2026-04-01' }))).toContainEqual({
      path: 'actions[0].params.to',
      message: 'the window from from to to is at most 90 days',
    });
  });

  it('refuses a window whose end is not after its start', () => {
    expect(
      errorsOf(availability({ from: '2026-01-05T10:00:00', to: '2026-01-05T09:00:00' })),
    ).toContainEqual({ path: 'actions[0].params.to', message: 'must be after from' });
  });

  it.each([
    ['90 days of dates', { from: '2026-01-01', to: '2026-03-31' }],
    ['a single day', { from: '2026-01-05', to: '2026-01-05' }],
    ['an afternoon', { from: '2026-01-05T13:00:00', to: '2026-01-05T17:00:00' }],
    ['mixed forms within hours', { from: '2026-01-05T13:00:00Z', to: '2026-01-05T14:00:00' }],
    ['no end', { from: '2026-01-05T13:00:00' }],
  ])('accepts %s', (_name, params) => {
    const result = validatePlan(availability(params));
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});

describe('validatePlan bounds context:', () => {
  const nested = (depth: number): Record<string, unknown> =>
    depth <= 1 ? { leaf: 1 } : { next: nested(depth - 1) };

  it.each([
    ['nested 9 levels deep', nested(9), /nested more than 8 levels deep/],
    [
      'with 201 keys',
      Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, i])),
      /more than 200 keys/,
    ],
    ['over 16 kB of JSON', { blob: 'x'.repeat(17_000) }, /bytes of JSON; at most 16384/],
  ])('refuses a context %s, naming context', (_name, context, message) => {
    expect(
      errorsOf({ ...plan({ type: 'start_campaign', params: { campaign: 'c' } }), context }),
    ).toContainEqual({ path: 'context', message: expect.stringMatching(message) });
  });

  it('accepts a context 8 levels deep', () => {
    const result = validatePlan({
      ...plan({ type: 'start_campaign', params: { campaign: 'c' } }),
      context: nested(8),
    });
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});

describe('validatePlan bounds an automation payload:', () => {
  it('refuses one nested too deep, naming payload', () => {
    let payload: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 9; i++) payload = { next: payload };
    expect(
      errorsOf(plan({ type: 'trigger_automation', params: { automation: 'crm', payload } })),
    ).toContainEqual({
      path: 'actions[0].params.payload',
      message: 'payload is nested more than 8 levels deep',
    });
  });
});
