import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities';
import { signOAuthState } from '../../src/connections/oauth-state';
import { open } from '../../src/crypto/key-ring';
import { googleEventId } from '../../src/providers/google-calendar';
import type { GoogleConfig } from '../../src/providers/google-config';
import type { PlanState } from '../../src/workflows/definitions';
import { startFakeGoogle, type FakeGoogle } from '../support/fake-google';
import { futureSlot, startHarness, TEST_KEY_RING, type Harness } from '../support/harness';
import { workdayAhead } from '../support/workday-ahead';

const CALENDAR_SCOPES = [
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.freebusy',
];
const GMAIL_SCOPE = 'https://www.googleapis.com/auth/gmail.send';

let h: Harness;
let fake: FakeGoogle;

beforeAll(async () => {
  fake = await startFakeGoogle();
  const google: GoogleConfig = {
    clientId: 'test-client-id',
    clientSecret: 'test-secret',
    redirectUrl: 'http://127.0.0.1:1/v1/connections/google/callback',
    authUrl: `${fake.baseUrl}/auth`,
    tokenUrl: `${fake.baseUrl}/token`,
    apiRootUrl: `${fake.baseUrl}/`,
    allowPrivateNetwork: true,
    timeoutMs: 5_000,
  };
  h = await startHarness({
    google,
    settings: { approval: { required_for: [] } },
    // A step whose title or subject says so loses its first attempt's answer after the call, as a crash would.
    wrapActivities: (a: Activities) => ({
      ...a,
      book_meeting: async (input) => {
        const output = await a.book_meeting(input);
        if (input.params.title === 'lost answer' && Context.current().info.attempt === 1) {
          throw new Error('worker lost after the booking');
        }
        return output;
      },
      send_email: async (input) => {
        const output = await a.send_email(input);
        if (input.params.subject === 'lost answer' && Context.current().info.attempt === 1) {
          throw new Error('worker lost after the send');
        }
        return output;
      },
    }),
  });
});
afterAll(async () => {
  await h?.close();
  await fake?.close();
});

async function authorize(services: string, headers: Record<string, string> = {}) {
  const res = await h.api(
    'GET',
    `/v1/connections/google/authorize?services=${services}`,
    undefined,
    headers,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return new URL(res.body.url as string);
}

/** The whole consent round trip: the URL, Google's code for its scopes, the callback. */
async function connect(services: string, headers: Record<string, string> = {}) {
  const url = await authorize(services, headers);
  const code = fake.issueCode(
    url.searchParams.get('scope')!.split(' '),
    headers['x-errand-tenant'] ?? 'default',
  );
  const state = url.searchParams.get('state')!;
  const res = await h.raw(
    'GET',
    `/v1/connections/google/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { scopes: string[] };
}

const callback = (state: string, code = fake.issueCode(CALENDAR_SCOPES)) =>
  h.raw(
    'GET',
    `/v1/connections/google/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`,
  );

async function run(body: Record<string, unknown>) {
  const res = await h.api('POST', '/v1/plans', { intent: 'google test', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const workflowId = res.body.workflow_id as string;
  const state = (await h.client.workflow.getHandle(workflowId).result()) as PlanState;
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const attempts = history.events!.flatMap(
    (e) => e.activityTaskStartedEventAttributes?.attempt ?? [],
  );
  return { planId: res.body.plan_id as string, workflowId, state, attempts };
}

const book = (title: string, days = 30, hour = 10) => ({
  type: 'book_meeting',
  params: { title, time: futureSlot(days, hour), attendees: ['ann@example.com'] },
});

const connectionRow = () =>
  h.db
    .selectFrom('connections')
    .selectAll()
    .where('tenant_id', '=', h.tenant.id)
    .where('provider', '=', 'google')
    .executeTakeFirstOrThrow();

describe('Google OAuth', () => {
  it('asks only for the scopes the services need, offline and incremental, with a state', async () => {
    const calendar = await authorize('calendar');
    expect(calendar.origin + calendar.pathname).toBe(`${fake.baseUrl}/auth`);
    expect(calendar.searchParams.get('scope')!.split(' ')).toEqual(CALENDAR_SCOPES);
    expect(calendar.searchParams.get('access_type')).toBe('offline');
    expect(calendar.searchParams.get('include_granted_scopes')).toBe('true');
    expect(calendar.searchParams.get('prompt')).toBe('consent');
    expect(calendar.searchParams.get('client_id')).toBe('test-client-id');
    expect(calendar.searchParams.get('state')).toMatch(/^[\w-]+\.[\w-]+$/);
    expect((await authorize('gmail')).searchParams.get('scope')).toBe(GMAIL_SCOPE);
    expect((await authorize('gmail,calendar')).searchParams.get('scope')!.split(' ')).toEqual([
      ...CALENDAR_SCOPES,
      GMAIL_SCOPE,
    ]);
    const bad = await h.api('GET', '/v1/connections/google/authorize?services=drive');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toMatch(/^services/);
  });

  it('refuses a forged, an expired and a replayed state', async () => {
    const url = await authorize('calendar');
    const state = url.searchParams.get('state')!;
    const [body, tag] = state.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const other = Buffer.from(JSON.stringify({ ...claims, t: 'someone-else' })).toString(
      'base64url',
    );
    const forged = await callback(`${other}.${tag}`);
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('invalid_state');
    expect((await callback('nonsense')).status).toBe(401);

    const expired = signOAuthState(TEST_KEY_RING, {
      tenantId: h.tenant.id,
      requestedBy: 'key:x',
      services: ['calendar'],
      now: new Date(Date.now() - 11 * 60_000),
    });
    const late = await callback(expired.state);
    expect(late.status).toBe(401);
    expect(late.body.error.message).toMatch(/expired/);

    expect((await callback(state)).status).toBe(200);
    const replay = await callback(state);
    expect(replay.status).toBe(401);
    expect(replay.body.error.message).toMatch(/already used/);
  });

  it('stores the refresh token sealed, and merges scopes on a later incremental grant', async () => {
    const first = await connect('calendar');
    expect(first.scopes).toEqual(CALENDAR_SCOPES);
    const row = await connectionRow();
    const refreshToken = fake.refreshTokens().at(-1)!;
    expect(row.secret.includes(Buffer.from(refreshToken))).toBe(false);
    expect(
      open(
        TEST_KEY_RING,
        { kid: row.secret_kid, data: row.secret },
        Buffer.from(`${h.tenant.id}\0google`),
      ).toString(),
    ).toBe(refreshToken);
    const list = await h.api('GET', '/v1/connections');
    expect(JSON.stringify(list.body)).not.toContain(refreshToken);
    const second = await connect('gmail');
    expect(second.scopes).toEqual([...CALENDAR_SCOPES, GMAIL_SCOPE].sort());
  });

  it('refuses providers.calendar google with 422 until Google is connected for the calendar', async () => {
    const other = await h.newTenant();
    const as = { 'x-errand-tenant': other.id };
    const put = await h.api('PUT', '/v1/settings', { providers: { calendar: 'google' } }, as);
    expect(put.status).toBe(422);
    expect(put.body.error.details).toMatchObject([{ path: 'providers.calendar' }]);
    await connect('gmail', as);
    expect(
      (await h.api('PUT', '/v1/settings', { providers: { calendar: 'google' } }, as)).status,
    ).toBe(422);
    expect((await h.api('PUT', '/v1/settings', { providers: { email: 'gmail' } }, as)).status).toBe(
      200,
    );
    expect((await h.api('DELETE', '/v1/connections/google', undefined, as)).status).toBe(409);
  });
});

describe('Google Calendar', () => {
  beforeEach(async () => {
    await connect('calendar,gmail');
    const put = await h.api('PUT', '/v1/settings', {
      approval: { required_for: [] },
      providers: { calendar: 'google', email: 'gmail' },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  });

  it('books on Google with the attendees invited and a Meet link, and the plan completes', async () => {
    const { state, workflowId } = await run({ actions: [book('Intro')] });
    expect(state.status).toBe('completed');
    const eventId = googleEventId(h.tenant.id, `${workflowId}#0`);
    const event = fake.events.get(eventId);
    expect(event).toMatchObject({
      summary: 'Intro',
      attendees: [{ email: 'ann@example.com' }],
      sendUpdates: 'all',
      conferenceData: { createRequest: { conferenceSolutionKey: { type: 'hangoutsMeet' } } },
    });
    expect(state.steps[0].output).toMatchObject({
      meeting_id: eventId,
      join_link: event.hangoutLink,
      status: 'confirmed',
    });
    const listed = await h.api('GET', '/v1/calendar/events?limit=200');
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.data).toContainEqual(
      expect.objectContaining({ meeting_id: eventId, title: 'Intro', plan_id: state.plan_id }),
    );
  });

  it('creates one event when a booking step is retried after its answer was lost', async () => {
    const inserts = () =>
      fake.received.filter((r) => r.method === 'POST' && r.path.endsWith('/events')).length;
    const before = inserts();
    // Another day than 'Intro': Google bookings refuse a clash on their calendar now.
    const { state, attempts, workflowId } = await run({ actions: [book('lost answer', 39)] });
    expect(state.status).toBe('completed');
    expect(attempts).toEqual([2]);
    expect(inserts() - before).toBe(2);
    const ids = [...fake.events.values()]
      .filter((e) => e.summary === 'lost answer')
      .map((e) => e.id);
    expect(ids).toEqual([googleEventId(h.tenant.id, `${workflowId}#0`)]);
  });

  it('refreshes a rejected access token once on 401 and succeeds', async () => {
    await run({ actions: [book('warm', 31)] });
    fake.expireAccessTokens();
    const refreshes = () =>
      fake.received.filter((r) => r.path === '/token' && r.raw.includes('grant_type=refresh_token'))
        .length;
    const before = refreshes();
    const { state, attempts } = await run({ actions: [book('after 401', 32)] });
    expect(state.status).toBe('completed');
    expect(attempts).toEqual([1]);
    expect(refreshes() - before).toBe(1);
  });

  it('marks the connection revoked on invalid_grant and fails the step at once, saying how to reconnect', async () => {
    for (const t of fake.refreshTokens()) fake.revoke(t);
    fake.expireAccessTokens();
    const { state, attempts } = await run({ actions: [book('revoked', 33)] });
    expect(state.status).toBe('failed');
    expect(attempts).toEqual([1]);
    expect(state.error).toMatchObject({ type: 'ProviderConnectionError' });
    expect(state.error!.message).toContain(
      'GET /v1/connections/google/authorize?services=calendar,gmail',
    );
    expect((await connectionRow()).status).toBe('revoked');
  });

  it('backs off on 429 and retries a 5xx, then succeeds', async () => {
    fake.script(/^POST \/calendar\/v3\/calendars\/primary\/events /, {
      status: 429,
      headers: { 'retry-after': '1' },
      body: {
        error: {
          code: 429,
          message: 'Rate Limit Exceeded',
          errors: [{ reason: 'rateLimitExceeded' }],
        },
      },
    });
    const throttled = await run({ actions: [book('throttled', 34)] });
    expect(throttled.state.status).toBe('completed');
    expect(throttled.attempts).toEqual([2]);
    fake.script(/^POST \/calendar\/v3\/calendars\/primary\/events /, {
      status: 503,
      body: {
        error: { code: 503, message: 'Backend Error', errors: [{ reason: 'backendError' }] },
      },
    });
    const unavailable = await run({ actions: [book('five hundred', 35)] });
    expect(unavailable.state.status).toBe('completed');
    expect(unavailable.attempts).toEqual([2]);
  });

  it("fails a step Google refuses for its content at once, with Google's message", async () => {
    fake.script(/^POST \/calendar\/v3\/calendars\/primary\/events /, {
      status: 400,
      body: {
        error: { code: 400, message: 'Invalid attendee email.', errors: [{ reason: 'invalid' }] },
      },
    });
    const { state, attempts } = await run({ actions: [book('bad', 36)] });
    expect(state.status).toBe('failed');
    expect(attempts).toEqual([1]);
    expect(state.error).toMatchObject({ type: 'InvalidStepError' });
    expect(state.error!.message).toContain('Invalid attendee email.');
  });

  it('undoes a Google booking under on_failure: compensate by deleting the event', async () => {
    fake.script(/^POST \/calendar\/v3\/calendars\/primary\/events .*"summary":"fails"/, {
      status: 400,
      body: {
        error: { code: 400, message: 'Invalid start time.', errors: [{ reason: 'invalid' }] },
      },
    });
    const { state, workflowId } = await run({
      on_failure: 'compensate',
      actions: [book('kept?', 37), book('fails', 37, 14)],
    });
    expect(state.status).toBe('failed');
    expect(state.steps.map((s) => s.status)).toEqual(['compensated', 'failed']);
    const event = fake.events.get(googleEventId(h.tenant.id, `${workflowId}#0`));
    expect(event.status).toBe('cancelled');
    expect(
      fake.received.some((r) => r.method === 'DELETE' && r.path.endsWith(`/events/${event.id}`)),
    ).toBe(true);
  });

  it('finds busy time through freeBusy', async () => {
    const day = workdayAhead(38);
    await run({
      actions: [
        { type: 'book_meeting', params: { title: 'busy', time: `${day}T09:00:00`, attendees: [] } },
      ],
    });
    const { state } = await run({
      actions: [{ type: 'check_availability', params: { from: day, duration_minutes: 30 } }],
    });
    expect(state.status).toBe('completed');
    expect(fake.received.some((r) => r.path === '/calendar/v3/freeBusy')).toBe(true);
    expect(state.steps[0].output!.start_time).toBe(`${day}T09:30:00.000Z`);
  });
});

describe('Gmail', () => {
  beforeEach(async () => {
    await connect('calendar,gmail');
    expect(
      (
        await h.api('PUT', '/v1/settings', {
          approval: { required_for: [] },
          providers: { email: 'gmail' },
        })
      ).status,
    ).toBe(200);
  });

  it('sends once through users.messages.send when the step is retried, with MailComposer MIME', async () => {
    const before = fake.sent.length;
    const { state, attempts, planId } = await run({
      actions: [
        {
          type: 'send_email',
          params: { to: ['bob@example.com'], subject: 'lost answer', body: 'Hello Bob' },
        },
      ],
    });
    expect(state.status).toBe('completed');
    expect(attempts).toEqual([2]);
    expect(fake.sent.length - before).toBe(1);
    const mime = fake.sent.at(-1)!;
    expect(mime).toMatch(/^To: bob@example\.com$/m);
    expect(mime).toMatch(/^Subject: lost answer$/m);
    expect(mime).toContain('Hello Bob');
    const outbox = (await h.api('GET', `/v1/outbox?plan_id=${planId}`)).body.data[0];
    expect(outbox).toMatchObject({ status: 'sent' });
  });
});
