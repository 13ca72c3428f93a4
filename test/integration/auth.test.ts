import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/api-key';
import { createApiKey } from '../../src/auth/api-keys-repository';
import type { Database } from '../../src/db/database';
import {
  eventually,
  futureSlot,
  startHarness,
  TEST_OPERATOR_KEY,
  TEST_PEPPER,
  type Harness,
} from '../support/harness';

let h: Harness;
beforeAll(async () => {
  // A Google client, so the consent-URL route answers; it never calls Google.
  h = await startHarness({
    google: {
      clientId: 'test-client-id',
      clientSecret: 'test-secret',
      redirectUrl: 'https://errand.example.com/v1/connections/google/callback',
      allowPrivateNetwork: false,
      timeoutMs: 1_000,
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('credentials', () => {
  it.each([
    ['no header', {}],
    ['not Bearer', { authorization: 'Basic abc' }],
    ['malformed', bearer('ek_nothex_short')],
    ['unknown id', bearer(`ek_${'0'.repeat(12)}_${'A'.repeat(43)}`)],
  ])('refuses %s with one generic 401', async (_name, headers) => {
    const res = await h.raw('GET', '/v1/plans', undefined, headers as Record<string, string>);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.body.error).toMatchObject({
      code: 'unauthenticated',
      message: 'a valid API key is required: send Authorization: Bearer <key>',
    });
  });

  it('refuses a right id with a wrong secret, a revoked key and an expired key, alike', async () => {
    const made = await createApiKey(h.db, TEST_PEPPER, { tenant: h.tenant.id, role: 'viewer' });
    expect((await h.raw('GET', '/v1/plans', undefined, bearer(made.key))).status).toBe(200);
    const wrong = `${made.key.slice(0, 16)}${made.key.at(16) === 'A' ? 'B' : 'A'}${made.key.slice(17)}`;
    const expired = await createApiKey(h.db, TEST_PEPPER, {
      tenant: h.tenant.id,
      role: 'viewer',
      expiresAt: new Date(Date.now() - 1000),
    });
    const revoked = await h.api('DELETE', `/v1/keys/${made.view.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).toEqual(expect.any(String));
    const bodies = [];
    for (const key of [wrong, made.key, expired.key]) {
      const res = await h.raw('GET', '/v1/plans', undefined, bearer(key));
      expect(res.status).toBe(401);
      bodies.push(JSON.stringify({ ...res.body.error, request_id: undefined }));
    }
    expect(new Set(bodies).size).toBe(1);
  });

  it('keys are shown once, stored as an HMAC, listed without their secret, and record their last use', async () => {
    const res = await h.api('POST', '/v1/keys', { role: 'submitter', name: 'ci' });
    expect(res.status).toBe(201);
    expect(res.body.key).toMatch(/^ek_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(res.body.prefix).toBe(res.body.key.slice(0, 15));
    const row = await h.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(row.hash).not.toContain(res.body.key.slice(16));
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    await h.raw('GET', '/v1/plans', undefined, bearer(res.body.key));
    const list = await h.api('GET', '/v1/keys');
    const listed = list.body.data.find((k: { id: string }) => k.id === res.body.id);
    expect(listed).toMatchObject({ role: 'submitter', name: 'ci', prefix: res.body.prefix });
    expect(listed.last_used_at).toEqual(expect.any(String));
    expect(JSON.stringify(list.body)).not.toContain(res.body.key.slice(16));
    expect(JSON.stringify(list.body)).not.toContain(row.hash);
  });

  it('refuses bad key bodies with field errors', async () => {
    const bad = await h.api('POST', '/v1/keys', { role: 'root', expires_at: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'expires_at',
      'role',
    ]);
    const past = await h.api('POST', '/v1/keys', {
      role: 'viewer',
      expires_at: '2000-01-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
    expect(past.body.error.details[0].path).toBe('expires_at');
  });
});

describe('the operator key', () => {
  it('creates a tenant with a first admin key, and keys for any tenant, but acts for none', async () => {
    const op = bearer(TEST_OPERATOR_KEY);
    const made = await h.raw('POST', '/v1/tenants', { name: 'Acme', timezone: 'Europe/Paris' }, op);
    expect(made.status).toBe(201);
    expect(made.body.tenant).toMatchObject({ name: 'Acme', timezone: 'Europe/Paris' });
    const settings = await h.raw('GET', '/v1/settings', undefined, bearer(made.body.key));
    expect(settings.body).toMatchObject({
      tenant_id: made.body.tenant.id,
      timezone: 'Europe/Paris',
    });
    const again = await h.raw('POST', '/v1/tenants', { id: made.body.tenant.id, name: 'x' }, op);
    expect(again.status).toBe(409);
    const key = await h.raw('POST', '/v1/keys', { tenant: h.tenant.id, role: 'viewer' }, op);
    expect(key.status).toBe(201);
    expect(key.body.tenant).toBe(h.tenant.id);
    const noTenant = await h.raw('POST', '/v1/keys', { role: 'viewer' }, op);
    expect(noTenant.status).toBe(400);
    expect(noTenant.body.error.details[0].path).toBe('tenant');
    const missing = await h.raw('POST', '/v1/keys', { tenant: 'nobody-here', role: 'viewer' }, op);
    expect(missing.status).toBe(404);
    const act = await h.raw('GET', '/v1/plans', undefined, op);
    expect(act.status).toBe(403);
    const byAdmin = await h.api('POST', '/v1/tenants', { name: 'not mine' });
    expect(byAdmin.status).toBe(403);
  });
});

// Written by hand, apart from src/auth/permissions.ts, so a change there shows up here.
const ID = randomUUID();
const ROLE_MATRIX: [method: string, path: string, body: unknown, lowest: Role | 'operator'][] = [
  ['GET', '/v1/plans', undefined, 'viewer'],
  ['GET', `/v1/plans/${ID}`, undefined, 'viewer'],
  ['GET', '/v1/decisions', undefined, 'viewer'],
  ['GET', '/v1/analytics', undefined, 'viewer'],
  ['GET', '/v1/calendar/events', undefined, 'viewer'],
  ['GET', '/v1/outbox', undefined, 'viewer'],
  ['GET', `/v1/outbox/${ID}`, undefined, 'viewer'],
  ['GET', '/v1/reminders', undefined, 'viewer'],
  ['GET', `/v1/reminders/${ID}`, undefined, 'viewer'],
  ['GET', '/v1/settings', undefined, 'viewer'],
  ['GET', '/v1/tools', undefined, 'viewer'],
  ['GET', '/v1/contacts', undefined, 'viewer'],
  ['GET', '/v1/contacts/00000000-0000-4000-8000-000000000000', undefined, 'viewer'],
  ['POST', '/v1/contacts', { name: '' }, 'submitter'],
  ['PUT', '/v1/contacts/00000000-0000-4000-8000-000000000000', { name: '' }, 'submitter'],
  ['DELETE', '/v1/contacts/00000000-0000-4000-8000-000000000000', undefined, 'submitter'],
  ['POST', '/v1/contacts/import', { name: 'x' }, 'admin'],
  ['POST', '/v1/plans', {}, 'submitter'],
  ['POST', '/v1/intents', {}, 'submitter'],
  ['POST', `/v1/plans/${ID}/cancel`, undefined, 'submitter'],
  ['POST', '/v1/plans/validate', {}, 'submitter'],
  ['POST', `/v1/plans/${ID}/execute`, undefined, 'submitter'],
  ['POST', `/v1/plans/${ID}/retry`, {}, 'submitter'],
  ['PATCH', `/v1/calendar/events/${ID}`, {}, 'submitter'],
  ['DELETE', `/v1/calendar/events/${ID}`, undefined, 'submitter'],
  ['DELETE', `/v1/reminders/${ID}`, undefined, 'submitter'],
  ['POST', `/v1/plans/${ID}/approve`, {}, 'approver'],
  ['POST', `/v1/plans/${ID}/reject`, { reason: 'no' }, 'approver'],
  ['PUT', '/v1/settings', { bogus: true }, 'admin'],
  ['GET', '/v1/settings/webhook-secret', undefined, 'admin'],
  ['POST', '/v1/settings/webhook-secret/rotate', {}, 'admin'],
  ['GET', '/v1/keys', undefined, 'admin'],
  ['POST', '/v1/keys', { role: 'viewer' }, 'admin'],
  ['DELETE', '/v1/keys/000000000000', undefined, 'admin'],
  ['GET', '/v1/connections', undefined, 'admin'],
  ['PUT', '/v1/connections/sendgrid', { api_key: 'bad' }, 'admin'],
  ['DELETE', '/v1/connections/sendgrid', undefined, 'admin'],
  ['GET', '/v1/connections/google/authorize?services=calendar', undefined, 'admin'],
  ['PUT', '/v1/connections/twilio', { account_sid: 'bad' }, 'admin'],
  [
    'POST',
    `/v1/outbox/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/delivery`,
    { status: 'sent' },
    'admin',
  ],
  ['POST', '/v1/tenants', { name: 'x', id: 'Bad Id' }, 'operator'],
  ['POST', '/codec/encode', { payloads: [] }, 'operator'],
  ['POST', '/codec/decode', { payloads: [] }, 'operator'],
];
const LADDER: Role[] = ['viewer', 'submitter', 'approver', 'admin'];

describe('the role matrix', () => {
  const cases = ROLE_MATRIX.flatMap(([method, path, body, lowest]) =>
    LADDER.map((role) => ({
      method,
      path,
      body,
      role,
      lowest,
      allowed: lowest !== 'operator' && LADDER.indexOf(role) >= LADDER.indexOf(lowest),
    })),
  );
  it(`has ${ROLE_MATRIX.length} routes × ${LADDER.length} roles = ${cases.length} cases`, () => {
    expect(cases.length).toBe(172);
  });
  it.each(cases)('$method $path as $role: allowed=$allowed', async (c) => {
    const res = await h.apiAs(c.role, c.method, c.path, c.body);
    if (c.allowed) {
      expect(res.status, JSON.stringify(res.body)).not.toBe(403);
      expect(res.status).not.toBe(401);
      expect(res.status).toBeLessThan(500);
    } else {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      if (c.lowest !== 'operator') expect(res.body.error.message).toContain(c.role);
    }
  });
});

type Table = keyof Database;
const TENANT_TABLES: Table[] = [
  'action_plans',
  'plan_events',
  'calendar_events',
  'calendar_changes',
  'outbox',
  'reminders',
  'decisions',
  'webhook_secrets',
  'api_keys',
  'connections',
  'contacts',
];

async function footprint(tenantId: string): Promise<string> {
  const parts: unknown[] = [
    await h.db.selectFrom('tenants').selectAll().where('id', '=', tenantId).execute(),
  ];
  for (const table of TENANT_TABLES) {
    parts.push(
      await h.db
        .selectFrom(table)
        .selectAll()
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        .where('tenant_id' as any, '=', tenantId)
        .execute(),
    );
  }
  return JSON.stringify(parts);
}

describe('the cross-tenant matrix', () => {
  it('gives a foreign admin key 404 for every object of another tenant, and changes nothing', async () => {
    // The victim: the harness's tenant, with one of each kind of object.
    const slot = futureSlot(40, 10);
    const plan = await h.api('POST', '/v1/plans', {
      intent: 'victim plan',
      actions: [
        {
          type: 'book_meeting',
          params: { title: 'Victim', time: slot, attendees: ['v@example.com'] },
        },
        { type: 'send_email', use_result_from: 0, params: { template: 'meeting_invite' } },
        { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1h' } },
      ],
    });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    await h.client.workflow.getHandle(plan.body.workflow_id).result();
    const intent = await h.api('POST', '/v1/intents', { text: 'text +14155550123 saying hi' });
    expect(intent.status).toBeLessThan(500);
    const one = async (table: Table) =>
      eventually(async () =>
        h.db
          .selectFrom(table)
          .selectAll()
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          .where('tenant_id' as any, '=', h.tenant.id)
          .executeTakeFirst(),
      );
    const meeting = (await one('calendar_events')) as { id: string };
    const reminder = (await one('reminders')) as { id: string };
    const message = (await one('outbox')) as { id: string };
    const decision = (await one('decisions')) as { id: string };
    const key = await createApiKey(h.db, TEST_PEPPER, { tenant: h.tenant.id, role: 'viewer' });
    await h.api('POST', '/v1/settings/webhook-secret/rotate', {});
    const sendgridKey = 'SG.victim-key-0123456789';
    const connected = await h.api('PUT', '/v1/connections/sendgrid', {
      api_key: sendgridKey,
      from: 'victim@example.com',
    });
    expect(connected.status).toBe(200);
    const contact = await h.api('POST', '/v1/contacts', {
      name: 'Victor Victim',
      emails: ['victor@example.com'],
    });
    expect(contact.status).toBe(201);
    const twilioToken = 'victim-twilio-token-0123456789';
    const twilioConnected = await h.api('PUT', '/v1/connections/twilio', {
      account_sid: `AC${'ab'.repeat(16)}`,
      auth_token: twilioToken,
      from: '+15005550006',
    });
    expect(twilioConnected.status).toBe(200);
    if (intent.body?.plan_id) {
      await h.client.workflow
        .getHandle(intent.body.workflow_id)
        .result()
        .catch(() => undefined);
    }

    const foreign = await h.newTenant();
    const as = { 'x-errand-tenant': foreign.id };
    const pid = plan.body.plan_id as string;
    const byId: [kind: string, method: string, path: string, body?: unknown][] = [
      ['plan', 'GET', `/v1/plans/${pid}`],
      ['plan', 'POST', `/v1/plans/${pid}/approve`, {}],
      ['plan', 'POST', `/v1/plans/${pid}/reject`, { reason: 'no' }],
      ['plan', 'POST', `/v1/plans/${pid}/cancel`],
      ['plan', 'POST', `/v1/plans/${pid}/execute`],
      ['plan', 'POST', `/v1/plans/${pid}/retry`, {}],
      ['meeting', 'PATCH', `/v1/calendar/events/${meeting.id}`, { title: 'hijacked' }],
      ['meeting', 'DELETE', `/v1/calendar/events/${meeting.id}`],
      ['reminder', 'GET', `/v1/reminders/${reminder.id}`],
      ['reminder', 'DELETE', `/v1/reminders/${reminder.id}`],
      ['outbox message', 'GET', `/v1/outbox/${message.id}`],
      ['key', 'DELETE', `/v1/keys/${key.view.id}`],
      ['key', 'POST', '/v1/keys', { role: 'admin', tenant: h.tenant.id }],
      ['connection', 'DELETE', '/v1/connections/sendgrid'],
      ['contact', 'GET', `/v1/contacts/${contact.body.id}`],
      ['contact', 'PUT', `/v1/contacts/${contact.body.id}`, { name: 'hijacked' }],
      ['contact', 'DELETE', `/v1/contacts/${contact.body.id}`],
      ['connection', 'DELETE', '/v1/connections/google'],
      ['connection', 'DELETE', '/v1/connections/twilio'],
      ['outbox message', 'POST', `/v1/outbox/${message.id}/delivery`, { status: 'delivered' }],
    ];
    // Lists and settings have no id to guess: the foreign tenant must not see the victim's objects in them.
    const lists: [kind: string, path: string, secret: string][] = [
      ['plan', '/v1/plans', pid],
      ['meeting', '/v1/calendar/events', meeting.id],
      ['reminder', '/v1/reminders', reminder.id],
      ['outbox message', '/v1/outbox', message.id],
      ['decision', '/v1/decisions', decision.id],
      ['settings', '/v1/settings', h.tenant.id],
      ['settings', '/v1/settings/webhook-secret', h.tenant.id],
      ['key', '/v1/keys', key.view.id],
      ['connection', '/v1/connections', 'victim@example.com'],
      ['contact', '/v1/contacts', 'victor@example.com'],
      ['contact', '/v1/contacts?q=victor', 'victor@example.com'],
    ];
    const before = await footprint(h.tenant.id);
    for (const [kind, method, path, body] of byId) {
      const res = await h.api(method, path, body, as);
      expect(res.status, `${kind}: ${method} ${path}`).toBe(404);
    }
    for (const [kind, path, secret] of lists) {
      const res = await h.api('GET', path, undefined, as);
      expect(res.status, `${kind}: GET ${path}`).toBe(200);
      expect(JSON.stringify(res.body), `${kind}: GET ${path}`).not.toContain(secret);
    }
    const put = await h.api('PUT', '/v1/settings', { timezone: 'Asia/Tokyo' }, as);
    expect(put.status).toBe(200);
    expect(put.body.tenant_id).toBe(foreign.id);
    await h.api('POST', '/v1/settings/webhook-secret/rotate', {}, as);
    const foreignPut = await h.api(
      'PUT',
      '/v1/connections/sendgrid',
      { api_key: 'SG.foreign-key-0123456789', from: 'foreign@example.com' },
      as,
    );
    expect(foreignPut.status).toBe(200);
    // A consent link the foreign admin asked for, rewritten to name the victim, is refused.
    const consent = await h.api(
      'GET',
      '/v1/connections/google/authorize?services=calendar',
      undefined,
      as,
    );
    expect(consent.status).toBe(200);
    const [body, tag] = new URL(consent.body.url).searchParams.get('state')!.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const retargeted = Buffer.from(JSON.stringify({ ...claims, t: h.tenant.id })).toString(
      'base64url',
    );
    const callback = await h.raw(
      'GET',
      `/v1/connections/google/callback?code=x&state=${retargeted}.${tag}`,
    );
    expect(callback.status).toBe(401);
    const foreignTwilio = await h.api(
      'PUT',
      '/v1/connections/twilio',
      {
        account_sid: `AC${'cd'.repeat(16)}`,
        auth_token: 'foreign-twilio-token-0123456789',
        from: '+15005550007',
      },
      as,
    );
    expect(foreignTwilio.status).toBe(200);
    expect(await footprint(h.tenant.id)).toBe(before);
    expect(before).not.toContain(sendgridKey);
    expect(before).not.toContain(twilioToken);
    expect(byId.length + lists.length + 4).toBe(35);
  });
});
