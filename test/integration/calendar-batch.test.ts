import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities';
import type { PlanState } from '../../src/workflows/definitions';
import { startHarness, type Harness } from '../support/harness';

// The activities' clock is fixed, so "not over yet" and every date below mean the same on any day.
const NOW = new Date('2031-01-01T00:00:00Z');
/** Mondays, each test on its own so they never clash with one another. */
const DAY = {
  calendars: '2031-03-03',
  find: '2031-03-10',
  cancel: '2031-03-17',
  shift: '2031-03-24',
  items: '2031-03-31',
  compensate: '2031-04-07',
  retry: '2031-04-14',
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    deps: { now: () => NOW },
    // A batch whose title or reason says so loses its first attempt's answer after the writes, as a crash would.
    wrapActivities: (a: Activities) => ({
      ...a,
      book_meeting: async (input) => {
        const output = await a.book_meeting(input);
        if (input.params.title === 'lost batch' && Context.current().info.attempt === 1) {
          throw new Error('worker lost after the bookings');
        }
        return output;
      },
      cancel_meeting: async (input) => {
        const output = await a.cancel_meeting(input);
        if (input.params.reason === 'lost batch' && Context.current().info.attempt === 1) {
          throw new Error('worker lost after the cancellations');
        }
        return output;
      },
    }),
  });
});
afterAll(async () => {
  await h?.close();
});

async function run(actions: unknown[], extra: Record<string, unknown> = {}) {
  const res = await h.api('POST', '/v1/plans', {
    intent: 'calendar batch test',
    timezone: 'UTC',
    actions,
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const handle = h.client.workflow.getHandle(res.body.workflow_id as string);
  const state = (await handle.result()) as PlanState;
  const history = await handle.fetchHistory();
  const attempts = history.events!.flatMap(
    (e) => e.activityTaskStartedEventAttributes?.attempt ?? [],
  );
  return { state, attempts, workflowId: res.body.workflow_id as string };
}

const book = (title: string, time: string, extra: Record<string, unknown> = {}) => ({
  type: 'book_meeting',
  params: { title, time, attendees: [], ...extra },
});

/** Books each one in its own plan; fails the test if any does not book. */
async function seed(...steps: ReturnType<typeof book>[]) {
  const { state } = await run(steps);
  expect(state.status, JSON.stringify(state.error)).toBe('completed');
  return state.steps.map((s) => s.output!.meeting_id as string);
}

const events = (day: string) =>
  h.db
    .selectFrom('calendar_events')
    .select(['id', 'title', 'calendar_id', 'status', 'start_at', 'idempotency_key'])
    .where('tenant_id', '=', h.tenant.id)
    .where('start_at', '>=', new Date(`${day}T00:00:00Z`))
    .where('start_at', '<', new Date(new Date(`${day}T00:00:00Z`).getTime() + 86_400_000))
    .orderBy('start_at')
    .orderBy('title')
    .execute();

describe('several calendars per tenant (built-in)', () => {
  it('books two calendars at the same time, refuses a clash on one, and counts busy time per calendar', async () => {
    const at = `${DAY.calendars}T10:00:00`;
    const both = await run([
      book('Ann 1:1', at),
      book('Bob 1:1', at, { calendar: 'bob' }),
      book('Bob again', at, { calendar: 'Bob' }),
    ]);
    expect(both.state.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'failed']);
    expect(both.state.steps[0].output).toMatchObject({ calendar: 'primary' });
    expect(both.state.steps[1].output).toMatchObject({ calendar: 'bob' });
    expect(both.state.error).toMatchObject({ step: 2, type: 'CalendarConflictError' });
    expect(both.state.error!.message).toContain('on calendar bob');
    expect(both.state.error!.message).toContain('Bob 1:1');

    const rows = await events(DAY.calendars);
    expect(rows.map((r) => [r.title, r.calendar_id])).toEqual([
      ['Ann 1:1', 'primary'],
      ['Bob 1:1', 'bob'],
    ]);

    const listed = await h.api(
      'GET',
      `/v1/calendar/events?calendar=bob&from=${DAY.calendars}T00:00:00Z&to=${DAY.calendars}T23:59:00Z`,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((m: { title: string }) => m.title)).toEqual(['Bob 1:1']);
    const bad = await h.api('GET', '/v1/calendar/events?calendar=no%20spaces');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('calendar');

    // Ann's primary is busy 10:00–10:30; carol is free; primary and bob together also at 10:00.
    await seed(book('Carol late', `${DAY.calendars}T09:00:00`, { calendar: 'carol' }));
    const free = await run([
      { type: 'check_availability', params: { from: DAY.calendars } },
      { type: 'check_availability', params: { from: DAY.calendars, calendar: 'carol' } },
      {
        type: 'check_availability',
        params: { from: DAY.calendars, calendar: ['carol', 'primary'] },
      },
    ]);
    expect(free.state.steps.map((s) => s.output!.start_time)).toEqual([
      `${DAY.calendars}T09:00:00.000Z`,
      `${DAY.calendars}T09:30:00.000Z`,
      `${DAY.calendars}T09:30:00.000Z`,
    ]);
    const slots = free.state.steps[2].output!.slots as { start: string; end: string }[];
    expect(slots[0]).toEqual({
      start: `${DAY.calendars}T09:30:00.000Z`,
      end: `${DAY.calendars}T10:00:00.000Z`,
    });
  });

  it('updates and cancels through match.calendar, and a chained change finds the meeting on its calendar', async () => {
    const { state } = await run([
      book('Design review', `${DAY.calendars}T14:00:00`, { calendar: 'dana' }),
      { type: 'update_meeting', use_result_from: 0, params: { shift: '+30m' } },
      {
        type: 'cancel_meeting',
        params: { match: { calendar: 'dana', date: DAY.calendars, title: 'design' } },
      },
    ]);
    expect(state.status, JSON.stringify(state.error)).toBe('completed');
    expect(state.steps[1].output).toMatchObject({
      calendar: 'dana',
      start_time: `${DAY.calendars}T14:30:00.000Z`,
    });
    expect(state.steps[2].output).toMatchObject({ calendar: 'dana', status: 'cancelled' });
    const none = await run([
      { type: 'cancel_meeting', params: { match: { date: DAY.calendars, title: 'Bob 1:1' } } },
    ]);
    // A match without a calendar looks in primary only.
    expect(none.state.error).toMatchObject({ type: 'MeetingNotFoundError' });
    expect(none.state.error!.message).toContain('calendar primary');
  });
});

describe('find_meetings', () => {
  it('lists by range, attendee, title and calendar, honouring max_results and verbosity', async () => {
    const d = DAY.find;
    const next = '2031-03-11';
    await seed(
      book('Standup', `${d}T09:00:00`, { attendees: ['ann@example.com'] }),
      book('Planning', `${d}T11:00:00`, { attendees: ['bob@example.com', 'ann@example.com'] }),
      book('Standup', `${next}T09:00:00`, { attendees: ['ann@example.com'] }),
      book('Standup', `${d}T09:00:00`, { calendar: 'ops', attendees: ['ann@example.com'] }),
    );
    const { state } = await run([
      { type: 'find_meetings', params: { match: { from: d, to: next } } },
      { type: 'find_meetings', params: { match: { date: d, attendee: 'BOB@example.com' } } },
      {
        type: 'find_meetings',
        params: { match: { from: d, to: next, title: 'stand' }, verbosity: 'summary' },
      },
      { type: 'find_meetings', params: { match: { from: d, to: next }, max_results: 2 } },
      { type: 'find_meetings', params: { match: { calendar: 'ops', date: d } } },
      { type: 'find_meetings', params: { match: { date: '2031-03-12' } } },
    ]);
    expect(state.status, JSON.stringify(state.error)).toBe('completed');
    const titles = (i: number) =>
      (state.steps[i].output!.meetings as { title: string; start_time: string }[]).map(
        (m) => `${m.title}@${m.start_time.slice(5, 16)}`,
      );
    expect(titles(0)).toEqual([
      'Standup@03-10T09:00',
      'Planning@03-10T11:00',
      'Standup@03-11T09:00',
    ]);
    expect(state.steps[0].output!.summary).toEqual({ matched: 3, succeeded: 3, failed: 0 });
    expect(state.steps[0].output!.truncated).toBe(false);
    expect(titles(1)).toEqual(['Planning@03-10T11:00']);
    expect(titles(2)).toEqual(['Standup@03-10T09:00', 'Standup@03-11T09:00']);
    // Detailed gives each meeting whole; summary its id, calendar, title and times.
    const detailed = (state.steps[0].output!.meetings as Record<string, unknown>[])[0];
    expect(detailed.meeting).toMatchObject({ join_link: expect.stringMatching(/^https:/) });
    const brief = (state.steps[2].output!.meetings as Record<string, unknown>[])[0];
    expect(Object.keys(brief).sort()).toEqual([
      'calendar',
      'end_time',
      'meeting_id',
      'start_time',
      'title',
    ]);
    expect(titles(3)).toEqual(['Standup@03-10T09:00', 'Planning@03-10T11:00']);
    expect(state.steps[3].output).toMatchObject({
      truncated: true,
      summary: { matched: 2 },
    });
    expect(state.steps[4].output!.meetings).toMatchObject([{ calendar: 'ops', title: 'Standup' }]);
    // The first meeting chains; none found is an empty list, not a failure.
    expect(state.steps[1].output).toMatchObject({ title: 'Planning', calendar: 'primary' });
    expect(state.steps[5].output).toMatchObject({ meetings: [], summary: { matched: 0 } });
  });

  it('refuses bad batch parameters with 400 naming the field', async () => {
    const refused = async (params: Record<string, unknown>, type = 'find_meetings') => {
      const res = await h.api('POST', '/v1/plans/validate', {
        intent: 'x',
        actions: [{ type, params }],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      return res.body.error.details as { path: string; message: string }[];
    };
    expect((await refused({ max_results: 501 }))[0].path).toBe('actions[0].params.max_results');
    expect((await refused({ verbosity: 'loud' }))[0].path).toBe('actions[0].params.verbosity');
    expect((await refused({ match: { date: DAY.find, from: DAY.find } }))[0]).toMatchObject({
      path: 'actions[0].params.match.date',
    });
    expect(
      (await refused({ match: { date: DAY.find }, shift: 'soon' }, 'update_meeting'))[0],
    ).toMatchObject({ path: 'actions[0].params.shift', message: expect.stringContaining('+1h') });
    expect((await refused({ meeting_id: 'x', all: true }, 'cancel_meeting'))[0]).toMatchObject({
      path: 'actions[0].params.all',
    });
    expect(
      (await refused({ items: [{ time: `${DAY.find}T10:00:00` }] }, 'book_meeting'))[0],
    ).toMatchObject({ path: 'actions[0].params.items[0].title' });
  });
});

describe('cancel and update in batches', () => {
  it('cancels all of a day, and without all lists the candidates instead', async () => {
    const d = DAY.cancel;
    const ids = await seed(
      book('One', `${d}T09:00:00`),
      book('Two', `${d}T10:00:00`),
      book('Three', `${d}T11:00:00`),
      book('Next day', '2031-03-18T09:00:00'),
    );
    const ambiguous = await run([{ type: 'cancel_meeting', params: { match: { date: d } } }]);
    expect(ambiguous.state.error).toMatchObject({ type: 'AmbiguousMeetingError' });
    for (const id of ids.slice(0, 3)) expect(ambiguous.state.error!.message).toContain(id);
    expect(ambiguous.state.error!.message).not.toContain(ids[3]);

    const { state } = await run([
      {
        type: 'cancel_meeting',
        params: { match: { date: d }, all: true, reason: 'offsite', verbosity: 'summary' },
      },
    ]);
    expect(state.status, JSON.stringify(state.error)).toBe('completed');
    expect(state.steps[0].output).toMatchObject({
      summary: { matched: 3, succeeded: 3, failed: 0 },
      partial: false,
      truncated: false,
      meeting_id: ids[0],
    });
    expect(
      (state.steps[0].output!.items as { meeting_id: string; outcome: string }[]).map((i) => [
        i.meeting_id,
        i.outcome,
      ]),
    ).toEqual(ids.slice(0, 3).map((id) => [id, 'succeeded']));
    expect((await events(d)).map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect((await events('2031-03-18')).map((r) => r.status)).toEqual(['confirmed']);

    const nothing = await run([
      { type: 'cancel_meeting', params: { match: { date: d }, all: true } },
    ]);
    expect(nothing.state.error).toMatchObject({ type: 'MeetingNotFoundError' });
  });

  it('shifts several back-to-back meetings by +1h without them clashing on the way, and reports a clash per item', async () => {
    const d = DAY.shift;
    await seed(
      book('A', `${d}T09:00:00`, { duration_minutes: 60 }),
      book('B', `${d}T10:00:00`, { duration_minutes: 60 }),
      book('C', `${d}T11:00:00`, { duration_minutes: 60 }),
      book('Blocker', `${d}T15:30:00`, { calendar: 'other' }),
    );
    const { state } = await run([
      {
        type: 'update_meeting',
        params: { match: { date: d }, all: true, shift: '+1h' },
      },
    ]);
    expect(state.status, JSON.stringify(state.error)).toBe('completed');
    const rows = await events(d);
    expect(
      rows
        .filter((r) => r.calendar_id === 'primary')
        .map((r) => [r.title, r.start_at.toISOString()]),
    ).toEqual([
      ['A', `${d}T10:00:00.000Z`],
      ['B', `${d}T11:00:00.000Z`],
      ['C', `${d}T12:00:00.000Z`],
    ]);
    const items = state.steps[0].output!.items as {
      title: string;
      previous: { start_time: string };
    }[];
    expect(items.map((i) => [i.title, i.previous.start_time])).toEqual([
      ['A', `${d}T09:00:00.000Z`],
      ['B', `${d}T10:00:00.000Z`],
      ['C', `${d}T11:00:00.000Z`],
    ]);

    // "Push my 3pm back": one meeting by a shift; then a batch where one item clashes.
    await seed(book('Late', `${d}T15:00:00`, { calendar: 'other' }));
    const partial = await run([
      {
        type: 'update_meeting',
        params: { match: { calendar: 'other', date: d }, all: true, shift: '+30m' },
      },
    ]);
    // Blocker (15:30) moves to 16:00 first; Late (15:00) then moves to 15:30, free by then.
    expect(partial.state.status, JSON.stringify(partial.state.error)).toBe('completed');
    await seed(book('Wall', `${d}T17:00:00`, { calendar: 'other' }));
    const clash = await run([
      {
        type: 'update_meeting',
        params: {
          match: { calendar: 'other', date: d, title: 'late' },
          all: true,
          time: `${d}T17:00:00`,
        },
      },
      {
        type: 'update_meeting',
        params: {
          match: { calendar: 'other', date: d },
          all: true,
          shift: '+1h',
        },
      },
    ]);
    expect(clash.state.steps[0].status).toBe('failed');
    expect(clash.state.steps[0].error).toMatchObject({ type: 'CalendarConflictError' });
    expect(clash.state.steps[0].error!.message).toMatch(/all 1 item\(s\) failed/);
    expect(clash.state.steps[1].status).toBe('skipped');
  });
});

describe('booking items', () => {
  it('books several at once; with all_or_nothing a clash books none, without it the rest are kept and the failure named', async () => {
    const d = DAY.items;
    await seed(book('Taken', `${d}T11:00:00`));
    const items = [
      { time: `${d}T09:00:00`, attendees: ['a@example.com'] },
      { time: `${d}T10:00:00`, title: 'Interview B' },
      { time: `${d}T11:00:00` },
      { time: `${d}T11:00:00`, calendar: 'panel' },
    ];
    const atomic = await run([
      { type: 'book_meeting', params: { title: 'Interview', items, all_or_nothing: true } },
    ]);
    expect(atomic.state.status).toBe('failed');
    expect(atomic.state.error).toMatchObject({ type: 'CalendarConflictError' });
    expect(atomic.state.error!.message).toMatch(
      /item 2 failed .*2 item\(s\) done before it were undone/,
    );
    expect((await events(d)).map((r) => [r.title, r.status, r.calendar_id])).toEqual([
      ['Interview', 'cancelled', 'primary'],
      ['Interview B', 'cancelled', 'primary'],
      ['Taken', 'confirmed', 'primary'],
    ]);

    const partial = await run([
      { type: 'book_meeting', params: { title: 'Interview', items } },
      { type: 'send_email', use_result_from: 0, params: { subject: 'Booked' } },
    ]);
    expect(partial.state.status, JSON.stringify(partial.state.error)).toBe('completed');
    const out = partial.state.steps[0].output!;
    expect(out).toMatchObject({
      summary: { matched: 4, succeeded: 3, failed: 1 },
      partial: true,
      title: 'Interview',
      attendees: ['a@example.com'],
    });
    expect(
      (out.items as { index: number; outcome: string; error?: { type: string } }[]).map((i) => [
        i.index,
        i.outcome,
        i.error?.type ?? null,
      ]),
    ).toEqual([
      [0, 'succeeded', null],
      [1, 'succeeded', null],
      [2, 'failed', 'CalendarConflictError'],
      [3, 'succeeded', null],
    ]);
    // The email chains the first booked meeting: its attendees.
    const outbox = await h.db
      .selectFrom('outbox')
      .select('recipients')
      .where('plan_id', '=', partial.state.plan_id)
      .executeTakeFirstOrThrow();
    expect(outbox.recipients).toEqual(['a@example.com']);
  });
});

describe('compensation and retries of batches', () => {
  it('undoes every item of a batch booking, a batch shift and a batch cancel', async () => {
    const d = DAY.compensate;
    await seed(
      book('Keep 1', `${d}T13:00:00`, { calendar: 'team' }),
      book('Keep 2', `${d}T14:00:00`, { calendar: 'team' }),
      book('Gone 1', `${d}T13:00:00`, { calendar: 'gone' }),
      book('Gone 2', `${d}T14:00:00`, { calendar: 'gone' }),
    );
    const { state } = await run(
      [
        {
          type: 'book_meeting',
          params: { title: 'New', items: [{ time: `${d}T09:00:00` }, { time: `${d}T10:00:00` }] },
        },
        {
          type: 'update_meeting',
          params: { match: { calendar: 'team', date: d }, all: true, shift: '-2h' },
        },
        { type: 'cancel_meeting', params: { match: { calendar: 'gone', date: d }, all: true } },
        book('Clash', `${d}T09:00:00`),
      ],
      { on_failure: 'compensate' },
    );
    expect(state.status).toBe('failed');
    expect(state.steps.map((s) => s.status)).toEqual([
      'compensated',
      'compensated',
      'compensated',
      'failed',
    ]);
    expect(state.compensation.map((c) => [c.step, c.outcome])).toEqual([
      [2, 'undone'],
      [1, 'undone'],
      [0, 'undone'],
    ]);
    expect(
      (await events(d)).map((r) => [r.title, r.status, r.start_at.toISOString().slice(11, 16)]),
    ).toEqual([
      ['New', 'cancelled', '09:00'],
      ['New', 'cancelled', '10:00'],
      ['Gone 1', 'confirmed', '13:00'],
      ['Keep 1', 'confirmed', '13:00'],
      ['Gone 2', 'confirmed', '14:00'],
      ['Keep 2', 'confirmed', '14:00'],
    ]);
  });

  it('books each item once and cancels the same selection when a batch step is retried after its answer was lost', async () => {
    const d = DAY.retry;
    const booked = await run([
      {
        type: 'book_meeting',
        params: {
          title: 'lost batch',
          items: [{ time: `${d}T09:00:00` }, { time: `${d}T10:00:00` }, { time: `${d}T11:00:00` }],
        },
      },
    ]);
    expect(booked.state.status, JSON.stringify(booked.state.error)).toBe('completed');
    expect(booked.attempts).toEqual([2]);
    const rows = await events(d);
    expect(rows.map((r) => r.idempotency_key)).toEqual(
      [0, 1, 2].map((i) => `${booked.workflowId}#0#${i}`),
    );
    expect(booked.state.steps[0].output!.summary).toEqual({ matched: 3, succeeded: 3, failed: 0 });

    const cancelled = await run([
      {
        type: 'cancel_meeting',
        params: { match: { date: d }, all: true, reason: 'lost batch' },
      },
    ]);
    expect(cancelled.state.status, JSON.stringify(cancelled.state.error)).toBe('completed');
    expect(cancelled.attempts).toEqual([2]);
    // The retry found no confirmed meeting left, yet reports the three the first attempt cancelled.
    expect(cancelled.state.steps[0].output).toMatchObject({
      summary: { matched: 3, succeeded: 3, failed: 0 },
    });
    expect((await events(d)).map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    const changes = await h.db
      .selectFrom('calendar_changes')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', h.tenant.id)
      .where('idempotency_key', 'like', `${cancelled.workflowId}#0#%`)
      .executeTakeFirstOrThrow();
    expect(Number(changes.n)).toBe(3);
  });
});
