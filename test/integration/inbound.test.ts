import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../../src/tenants/tenants-repository';
import { futureSlot, startHarness, type ApiResponse, type Harness } from '../support/harness';

let h: Harness;
let tenant: Tenant;
let other: Tenant;
let secret: string;
let otherSecret: string;

beforeAll(async () => {
  h = await startHarness();
  tenant = await h.newTenant();
  other = await h.newTenant();
  const mine = await h.api('GET', '/v1/settings/inbound-secret', undefined, {
    'x-errand-tenant': tenant.id,
  });
  expect(mine.status).toBe(200);
  secret = mine.body.secret;
  const theirs = await h.api('GET', '/v1/settings/inbound-secret', undefined, {
    'x-errand-tenant': other.id,
  });
  otherSecret = theirs.body.secret;
  expect(otherSecret).not.toBe(secret);
});
afterAll(async () => {
  await h?.close();
});

interface Signed {
  id?: string;
  at?: Date;
  key?: string;
  tenantId?: string;
  headers?: Record<string, string>;
}

/** POSTs a JSON body to /v1/inbound/:source, signed as a Standard Webhooks sender would. */
async function inbound(source: string, body: unknown, signed: Signed = {}) {
  const payload = JSON.stringify(body);
  const id = signed.id ?? `msg_${randomUUID()}`;
  const at = signed.at ?? new Date();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'errand-tenant': signed.tenantId ?? tenant.id,
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(signed.key ?? secret).sign(id, at, payload),
    ...signed.headers,
  };
  const res = await fetch(`${h.baseUrl}/v1/inbound/${source}`, {
    method: 'POST',
    headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== '')),
    body: payload,
  });
  return { status: res.status, body: (await res.json()) as ApiResponse['body'], id };
}

const day = (days: number) => futureSlot(days, 12).slice(0, 10);
const booking = (days: number) => ({
  text: `book a call with jon@example.com on ${day(days)} at 10am`,
  submitted_via: 'a form field Errand ignores',
});

const expectUnsigned = (res: Pick<ApiResponse, 'status' | 'body'>) => {
  expect(res.status).toBe(401);
  expect(res.body.error.code).toBe('invalid_signature');
};

describe('POST /v1/inbound/:source', () => {
  it('turns a signed form request into a plan that runs, logged with its source', async () => {
    const res = await inbound('typeform', booking(30));
    expect(res.status).toBe(201);
    expect(res.body.plan_id).toEqual(expect.any(String));
    await h.client.workflow.getHandle(res.body.workflow_id).result();
    const plan = await h.api('GET', `/v1/plans/${res.body.plan_id}`, undefined, {
      'x-errand-tenant': tenant.id,
    });
    expect(plan.body.status).toBe('completed');
    expect(plan.body.context).toEqual({ inbound_source: 'typeform' });
    const decisions = await h.api('GET', '/v1/decisions?source=webhook', undefined, {
      'x-errand-tenant': tenant.id,
    });
    expect(decisions.body.data.map((d: { plan_id: string }) => d.plan_id)).toContain(
      res.body.plan_id,
    );
  });

  it('refuses a missing signature, and each missing header, with the same 401', async () => {
    for (const header of [
      'webhook-signature',
      'webhook-id',
      'webhook-timestamp',
      'errand-tenant',
    ]) {
      expectUnsigned(await inbound('typeform', booking(31), { headers: { [header]: '' } }));
    }
  });

  it('refuses a bad signature, one made for another body, and a stale or future timestamp', async () => {
    expectUnsigned(
      await inbound('typeform', booking(32), { headers: { 'webhook-signature': 'v1,AAAA' } }),
    );
    const id = `msg_${randomUUID()}`;
    const at = new Date();
    const forOther = new Webhook(secret).sign(id, at, JSON.stringify(booking(99)));
    expectUnsigned(
      await inbound('typeform', booking(32), {
        id,
        at,
        headers: { 'webhook-signature': forOther },
      }),
    );
    expectUnsigned(
      await inbound('typeform', booking(32), { at: new Date(Date.now() - 6 * 60_000) }),
    );
    expectUnsigned(
      await inbound('typeform', booking(32), { at: new Date(Date.now() + 6 * 60_000) }),
    );
  });

  it("never accepts another tenant's secret, and an unknown tenant looks like a bad signature", async () => {
    expectUnsigned(await inbound('typeform', booking(33), { key: otherSecret }));
    const unknown = await inbound('typeform', booking(33), { tenantId: 'no-such-tenant' });
    expectUnsigned(unknown);
    const forged = await inbound('typeform', booking(33), {
      headers: { 'webhook-signature': 'v1,AAAA' },
    });
    expect(unknown.body.error.message).toBe(forged.body.error.message);
  });

  it('answers a replayed message id with the first answer, never a second plan', async () => {
    const first = await inbound('hubspot', booking(34));
    expect(first.status).toBe(201);
    // A relay's retry: the same id and body, re-signed with a later timestamp.
    const retry = await inbound('hubspot', booking(34), {
      id: first.id,
      at: new Date(Date.now() + 1000),
    });
    // As POST /v1/intents answers a repeated Idempotency-Key: 200, the first plan, its status now.
    expect(retry.status).toBe(200);
    expect(retry.body.plan_id).toBe(first.body.plan_id);
    // The same id carrying another body is refused, not planned.
    const reused = await inbound('hubspot', booking(35), { id: first.id });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('message_id_reused');
    expect(reused.body.error.details).toEqual([expect.objectContaining({ path: 'webhook-id' })]);
    const plans = await h.db
      .selectFrom('action_plans')
      .select('id')
      .where('tenant_id', '=', tenant.id)
      .where('intent', 'like', `%${day(34)}%`)
      .execute();
    expect(plans).toHaveLength(1);
  });

  it('accepts the replaced secret for 24 hours after a rotation', async () => {
    const rotated = await h.api(
      'POST',
      '/v1/settings/inbound-secret/rotate',
      {},
      {
        'x-errand-tenant': tenant.id,
      },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(secret);
    expect((await inbound('zapier', booking(36))).status).toBe(201);
    expect((await inbound('zapier', booking(37), { key: rotated.body.secret })).status).toBe(201);
    secret = rotated.body.secret;
  });

  it('names the field when the signed body is not a usable intent', async () => {
    const res = await inbound('typeform', { note: 'no text here' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'text' })]);
  });
});

/** POSTs an email body to /v1/inbound/email, signed like every inbound request. */
async function email(payload: Buffer, contentType: string) {
  const id = `msg_${randomUUID()}`;
  const at = new Date();
  const res = await fetch(`${h.baseUrl}/v1/inbound/email`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'errand-tenant': tenant.id,
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, at, payload.toString('utf8')),
    },
    body: new Uint8Array(payload),
  });
  return { status: res.status, body: (await res.json()) as ApiResponse['body'] };
}

const raw = (from: string) =>
  Buffer.from(
    [
      `From: Ann Lee <${from}>`,
      'To: assistant@errand.example',
      'Subject: Demo',
      'Message-ID: <1@acme.example>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'text +14155550123 that the demo moved to Friday',
      '',
      'On Mon, Bob wrote:',
      '> book ten meetings with everyone',
      '',
    ].join('\r\n'),
  );

describe('POST /v1/inbound/email', () => {
  beforeAll(async () => {
    const put = await h.api(
      'PUT',
      '/v1/settings',
      { inbound_senders: ['@acme.example', 'bob@partner.example'] },
      { 'x-errand-tenant': tenant.id },
    );
    expect(put.status).toBe(200);
  });

  it('plans a raw message from an allowed sender, from its subject and new text only', async () => {
    const res = await email(raw('ann@acme.example'), 'message/rfc822');
    expect(res.status).toBe(201);
    expect(res.body.actions.map((a: { type: string }) => a.type)).toEqual(['send_sms']);
    const plan = await h.api('GET', `/v1/plans/${res.body.plan_id}`, undefined, {
      'x-errand-tenant': tenant.id,
    });
    expect(plan.body.intent).toBe('Demo: text +14155550123 that the demo moved to Friday');
    expect(plan.body.context).toMatchObject({ inbound_source: 'email', from: 'ann@acme.example' });
  });

  it("plans an inbound-parse form (SendGrid's fields) from an allowed address", async () => {
    const form = new FormData();
    form.set('from', 'Bob <bob@partner.example>');
    form.set('subject', 'Running late');
    form.set('text', 'text +14155550123 that I am 10 minutes late\n-- \nBob');
    const request = new Response(form);
    const res = await email(
      Buffer.from(await request.arrayBuffer()),
      request.headers.get('content-type')!,
    );
    expect(res.status).toBe(201);
    expect(res.body.actions[0].params.to).toEqual(['+14155550123']);
  });

  it('refuses a sender the tenant does not allow, planning nothing', async () => {
    const before = await h.db
      .selectFrom('action_plans')
      .select('id')
      .where('tenant_id', '=', tenant.id)
      .execute();
    const res = await email(raw('mallory@evil.example'), 'message/rfc822');
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      code: 'sender_not_allowed',
      details: [{ path: 'from' }],
    });
    const after = await h.db
      .selectFrom('action_plans')
      .select('id')
      .where('tenant_id', '=', tenant.id)
      .execute();
    expect(after).toHaveLength(before.length);
  });

  it('refuses a body that is not an email, naming it', async () => {
    const res = await email(Buffer.from('hello'), 'text/plain');
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('body');
  });
});
