import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/api-key';
import { createApiKey } from '../../src/auth/api-keys-repository';
import { createJwtVerifier, SECRET_ALGORITHMS } from '../../src/auth/jwt-verifier';
import { createOutboundGet } from '../../src/net/outbound-http';
import { eventually, startHarness, TEST_PEPPER, type Harness } from '../support/harness';

const NOW = new Date('2030-06-01T12:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const SECRET = 'jwt-secret-for-users-jwt-secret-for-users-01';
const ISSUER = 'https://id.example.com/';
const AUDIENCE = 'errand-api';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    now: () => NOW,
    jwt: createJwtVerifier(
      {
        key: { secret: SECRET },
        algorithms: SECRET_ALGORITHMS,
        issuer: ISSUER,
        audience: AUDIENCE,
        claims: { tenant: 'tenant', roles: 'roles' },
        clockToleranceSeconds: 30,
      },
      createOutboundGet({ allowPrivateNetwork: false, timeoutMs: 1_000, maxResponseBytes: 1_024 }),
    ),
  });
});
afterAll(async () => {
  await h?.close();
});

/** A bearer credential and how to call the API with it. */
interface Caller {
  bearer: string;
  keyId: string | null;
  call(method: string, path: string, body?: unknown): ReturnType<Harness['raw']>;
}

const caller = (bearer: string, keyId: string | null = null): Caller => ({
  bearer,
  keyId,
  call: (method, path, body) => h.raw(method, path, body, { authorization: `Bearer ${bearer}` }),
});

/** A fresh tenant with these settings, and ways to make its keys and users. */
async function tenantWith(settings: Record<string, unknown>) {
  const tenant = await h.newTenant();
  const as = { 'x-errand-tenant': tenant.id };
  const put = await h.api('PUT', '/v1/settings', settings, as);
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  return {
    id: tenant.id,
    async key(role: Role, user?: string): Promise<Caller> {
      const made = await createApiKey(h.db, TEST_PEPPER, { tenant: tenant.id, role, user });
      return caller(made.key, made.view.id);
    },
    async jwt(user: string, roles: string[]): Promise<Caller> {
      const token = await new SignJWT({ tenant: tenant.id, roles })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(user)
        .setIssuedAt(NOW_S)
        .setExpirationTime(NOW_S + 3600)
        .sign(new TextEncoder().encode(SECRET));
      return caller(token);
    },
  };
}

const waiting = (intent: string) => ({
  intent,
  require_approval: true,
  actions: [{ type: 'send_email', params: { to: ['x@example.com'], subject: intent, body: 'b' } }],
});
// Sends a message and leaves a reminder far ahead, so both stay to be listed.
const running = (intent: string) => ({
  intent,
  actions: [
    { type: 'send_email', params: { to: ['x@example.com'], subject: intent, body: 'b' } },
    { type: 'schedule_reminder', params: { at: '2090-01-01T09:00:00Z', message: intent } },
  ],
});

async function submit(who: Caller, plan: unknown): Promise<{ id: string; workflowId: string }> {
  const res = await who.call('POST', '/v1/plans', plan);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.plan_id, workflowId: res.body.workflow_id };
}

const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((r) => r.id).sort();

async function awaitingApproval(who: Caller, id: string) {
  await eventually(async () => {
    const res = await who.call('GET', `/v1/plans/${id}`);
    return res.body.status === 'awaiting_approval' ? true : undefined;
  });
}

describe('who submitted a plan', () => {
  it('is recorded on the plan and shown as submitted_by', async () => {
    const t = await tenantWith({});
    const anaKey = await t.key('submitter', 'ana');
    const anaJwt = await t.jwt('ana', ['submitter']);
    const plain = await t.key('submitter');
    const byKey = await submit(anaKey, waiting('by key'));
    const byJwt = await submit(anaJwt, waiting('by jwt'));
    const byPlain = await submit(plain, waiting('by a key without a user'));
    const view = async (id: string) => (await plain.call('GET', `/v1/plans/${id}`)).body;
    expect((await view(byKey.id)).submitted_by).toEqual({
      kind: 'key',
      key_id: anaKey.keyId,
      user: 'ana',
    });
    expect((await view(byJwt.id)).submitted_by).toEqual({ kind: 'jwt', key_id: null, user: 'ana' });
    expect((await view(byPlain.id)).submitted_by).toEqual({
      kind: 'key',
      key_id: plain.keyId,
      user: null,
    });
    const row = await h.db
      .selectFrom('action_plans')
      .select(['submitted_by_kind', 'submitted_by_key', 'submitted_by_user'])
      .where('id', '=', byJwt.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      submitted_by_kind: 'jwt',
      submitted_by_key: null,
      submitted_by_user: 'ana',
    });
  });

  it('mine=true lists the caller’s own plans: by user when it has one, else by key', async () => {
    const t = await tenantWith({});
    const anaKey = await t.key('submitter', 'ana');
    const anaJwt = await t.jwt('ana', ['viewer', 'submitter']);
    const bob = await t.key('submitter', 'bob');
    const plain = await t.key('submitter');
    const otherPlain = await t.key('submitter');
    const a1 = await submit(anaKey, waiting('a1'));
    const a2 = await submit(anaJwt, waiting('a2'));
    const b1 = await submit(bob, waiting('b1'));
    const p1 = await submit(plain, waiting('p1'));
    const mine = (who: Caller) => who.call('GET', '/v1/plans?mine=true');
    expect(ids(await mine(anaKey))).toEqual([a1.id, a2.id].sort());
    expect(ids(await mine(anaJwt))).toEqual([a1.id, a2.id].sort());
    expect(ids(await mine(bob))).toEqual([b1.id]);
    expect(ids(await mine(plain))).toEqual([p1.id]);
    expect(ids(await mine(otherPlain))).toEqual([]);
    // Without mine, and without the tenant's narrowing, a submitter sees the whole tenant.
    expect(ids(await bob.call('GET', '/v1/plans'))).toEqual([a1.id, a2.id, b1.id, p1.id].sort());
    const bad = await bob.call('GET', '/v1/plans?mine=yes');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('mine');
  });
});

describe('submitters_see_only_their_own', () => {
  it('narrows a submitter to their own plans, reminders and messages, and their own cancels', async () => {
    const t = await tenantWith({ submitters_see_only_their_own: true });
    const ana = await t.key('submitter', 'ana');
    const anaJwt = await t.jwt('ana', ['submitter']);
    const bob = await t.key('submitter', 'bob');
    const viewer = await t.key('viewer');
    const approver = await t.jwt('carol', ['approver']);
    const anaRun = await submit(ana, running('ana runs'));
    const bobRun = await submit(bob, running('bob runs'));
    for (const p of [anaRun, bobRun]) await h.client.workflow.getHandle(p.workflowId).result();
    const bobWaits = await submit(bob, waiting('bob waits'));
    const anaWaits = await submit(anaJwt, waiting('ana waits'));
    await awaitingApproval(bob, bobWaits.id);
    await awaitingApproval(ana, anaWaits.id);

    const of = async (table: 'reminders' | 'outbox', planId: string) =>
      (
        await h.db
          .selectFrom(table)
          .select('id')
          .where('tenant_id', '=', t.id)
          .where('plan_id', '=', planId)
          .executeTakeFirstOrThrow()
      ).id;
    const anaReminder = await of('reminders', anaRun.id);
    const bobReminder = await of('reminders', bobRun.id);
    const anaMessage = await of('outbox', anaRun.id);
    const bobMessage = await of('outbox', bobRun.id);

    for (const who of [ana, anaJwt]) {
      expect(ids(await who.call('GET', '/v1/plans'))).toEqual([anaRun.id, anaWaits.id].sort());
      expect((await who.call('GET', `/v1/plans/${anaRun.id}`)).status).toBe(200);
      expect((await who.call('GET', `/v1/plans/${bobRun.id}`)).status).toBe(404);
      expect(ids(await who.call('GET', '/v1/reminders'))).toEqual([anaReminder]);
      expect((await who.call('GET', `/v1/reminders/${anaReminder}`)).status).toBe(200);
      expect((await who.call('GET', `/v1/reminders/${bobReminder}`)).status).toBe(404);
      expect(ids(await who.call('GET', '/v1/outbox'))).toEqual([anaMessage]);
      expect((await who.call('GET', `/v1/outbox/${anaMessage}`)).status).toBe(200);
      expect((await who.call('GET', `/v1/outbox/${bobMessage}`)).status).toBe(404);
      const filtered = await who.call('GET', `/v1/outbox?plan_id=${bobRun.id}`);
      expect(ids(filtered)).toEqual([]);
    }
    // Another's reminder and plan cannot be cancelled: to this submitter they do not exist.
    expect((await ana.call('DELETE', `/v1/reminders/${bobReminder}`)).status).toBe(404);
    expect((await ana.call('POST', `/v1/plans/${bobWaits.id}/cancel`)).status).toBe(404);
    const bobStill = await bob.call('GET', `/v1/plans/${bobWaits.id}`);
    expect(bobStill.body.status).toBe('awaiting_approval');
    expect((await bob.call('GET', `/v1/reminders/${bobReminder}`)).body.status).toBe('pending');
    // Their own they can.
    expect((await ana.call('POST', `/v1/plans/${anaWaits.id}/cancel`)).status).toBe(202);
    expect((await ana.call('DELETE', `/v1/reminders/${anaReminder}`)).status).toBe(200);

    // Only the role exactly `submitter` is narrowed: a viewer and an approver see the tenant.
    const all = [anaRun.id, anaWaits.id, bobRun.id, bobWaits.id].sort();
    for (const who of [viewer, approver]) {
      expect(ids(await who.call('GET', '/v1/plans'))).toEqual(all);
      expect(ids(await who.call('GET', '/v1/reminders'))).toEqual(
        [anaReminder, bobReminder].sort(),
      );
      expect(ids(await who.call('GET', '/v1/outbox'))).toEqual([anaMessage, bobMessage].sort());
      expect((await who.call('GET', `/v1/outbox/${bobMessage}`)).status).toBe(200);
    }
  });

  it('does not hand a narrowed submitter another’s plan through a shared Idempotency-Key', async () => {
    const t = await tenantWith({ submitters_see_only_their_own: true });
    const ana = await t.key('submitter', 'ana');
    const bob = await t.key('submitter', 'bob');
    const headers = (who: Caller) => ({
      authorization: `Bearer ${who.bearer}`,
      'idempotency-key': 'shared-key',
    });
    const first = await h.raw('POST', '/v1/plans', waiting('same'), headers(bob));
    expect(first.status).toBe(201);
    const again = await h.raw('POST', '/v1/plans', waiting('same'), headers(ana));
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('idempotency_key_reused');
    expect(JSON.stringify(again.body)).not.toContain(first.body.plan_id);
  });
});

describe('four_eyes', () => {
  const refusedFourEyes = (res: {
    status: number;
    body: { error: { code: string; message: string } };
  }) => {
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('four_eyes');
    expect(res.body.error.message).toMatch(/another approver must/);
  };

  it('refuses the submitting key’s (or its user’s) own decision; another approver decides', async () => {
    const t = await tenantWith({ four_eyes: true });
    const carol = await t.key('approver', 'carol');
    const carolAgain = await t.key('approver', 'carol');
    const dave = await t.key('approver', 'dave');
    const plain = await t.key('approver');
    const otherPlain = await t.key('approver');
    const plan = await submit(carol, waiting('carol submits'));
    await awaitingApproval(carol, plan.id);
    refusedFourEyes(await carol.call('POST', `/v1/plans/${plan.id}/approve`, {}));
    refusedFourEyes(await carol.call('POST', `/v1/plans/${plan.id}/reject`, { reason: 'no' }));
    refusedFourEyes(await carolAgain.call('POST', `/v1/plans/${plan.id}/approve`, {}));
    const approved = await dave.call('POST', `/v1/plans/${plan.id}/approve`, {});
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.decision).toMatchObject({ outcome: 'approved', by: 'dave' });

    const byPlain = await submit(plain, waiting('plain submits'));
    await awaitingApproval(plain, byPlain.id);
    refusedFourEyes(await plain.call('POST', `/v1/plans/${byPlain.id}/approve`, {}));
    const rejected = await otherPlain.call('POST', `/v1/plans/${byPlain.id}/reject`, {
      reason: 'not this one',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.decision.outcome).toBe('rejected');
  });

  it('refuses a JWT user’s own decision, and records the deciding user in the decision and events', async () => {
    const t = await tenantWith({ four_eyes: true });
    const erin = await t.jwt('erin', ['approver']);
    const erinKey = await t.key('approver', 'erin');
    const frank = await t.jwt('frank', ['approver']);
    const plan = await submit(erin, waiting('erin submits'));
    await awaitingApproval(erin, plan.id);
    refusedFourEyes(await erin.call('POST', `/v1/plans/${plan.id}/approve`, {}));
    refusedFourEyes(await erinKey.call('POST', `/v1/plans/${plan.id}/approve`, {}));
    const approved = await frank.call('POST', `/v1/plans/${plan.id}/approve`, {
      reason: 'looks right',
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.decision).toMatchObject({ by: 'frank', reason: 'looks right' });
    const view = await eventually(async () => {
      const res = await frank.call('GET', `/v1/plans/${plan.id}`);
      return res.body.events.some((e: { kind: string }) => e.kind === 'approval_approved')
        ? res.body
        : undefined;
    });
    const event = view.events.find((e: { kind: string }) => e.kind === 'approval_approved');
    expect(event.detail).toMatchObject({ outcome: 'approved', by: 'frank' });
    expect(view.approvals[0].decision).toMatchObject({ by: 'frank' });
  });

  it('lets the submitter decide when the tenant does not ask for four eyes', async () => {
    const t = await tenantWith({});
    const erin = await t.jwt('erin', ['approver']);
    const plan = await submit(erin, waiting('erin alone'));
    await awaitingApproval(erin, plan.id);
    const approved = await erin.call('POST', `/v1/plans/${plan.id}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body.decision.by).toBe('erin');
  });
});
