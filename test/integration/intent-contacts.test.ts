import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../../src/tenants/tenants-repository';
import { eventually, futureSlot, startHarness, type Harness } from '../support/harness';

let h: Harness;
let tenant: Tenant;
let as: Record<string, string>;
beforeAll(async () => {
  h = await startHarness();
  tenant = await h.newTenant();
  as = { 'x-errand-tenant': tenant.id };
  const people = [
    {
      name: 'Bob Stone',
      emails: ['bob@acme.example'],
      phones: ['+14155550100'],
      aliases: ['bobby'],
    },
    { name: 'Bob Marley', emails: ['bob.m@example.com'], phones: ['+14155550101'] },
    { name: 'Jonathan Smith', emails: ['jon@example.com'], phones: [], aliases: ['Jon'] },
    { name: 'Ann Lee', emails: ['ann@example.com'], phones: [] },
    { name: 'Jo Park', emails: ['jo@example.com'], phones: ['+14155550102'] },
  ];
  for (const p of people) {
    expect((await h.api('POST', '/v1/contacts', p, as)).status).toBe(201);
  }
});
afterAll(async () => {
  await h?.close();
});

/** A day far enough ahead that nothing in it has passed, as the planner reads it. */
const day = (days: number) => futureSlot(days, 12).slice(0, 10);
const intent = (text: string, extra: Record<string, unknown> = {}, headers = as) =>
  h.api('POST', '/v1/intents', { text, ...extra }, headers);

describe('an intent that names people the contacts know', () => {
  it('invites the one contact a name fits, says so, and runs without approval', async () => {
    const res = await intent(
      `book a call with Jonathan on ${day(20)} at 10am and email him the link`,
    );
    expect(res.status).toBe(201);
    expect(res.body.outcome).toBe('executed');
    expect(res.body.actions[0].params.attendees).toEqual(['jon@example.com']);
    expect(res.body.warnings).toContain(
      '"Jonathan" is Jonathan Smith <jon@example.com>, from your contacts',
    );
    await h.client.workflow.getHandle(res.body.workflow_id).result();
    const outbox = await h.api('GET', `/v1/outbox?plan_id=${res.body.plan_id}`, undefined, as);
    expect(outbox.body.data).toEqual([
      expect.objectContaining({ channel: 'email', recipients: ['jon@example.com'] }),
    ]);
  });

  it('finds a misspelled name, an alias and "bob from acme"', async () => {
    const misspelt = await intent(`book a call with Jonh on ${day(21)} at 10am`, {
      dry_run: true,
    });
    expect(misspelt.body.error?.message).toBeUndefined();
    expect(misspelt.status).toBe(200);
    expect(misspelt.body.actions[0].params.attendees).toEqual(['jon@example.com']);
    const alias = await intent('text bobby that I am late', { dry_run: true });
    expect(alias.body.actions[0].params.to).toEqual(['+14155550100']);
    const qualified = await intent('text bob from acme that I am late', { dry_run: true });
    expect(qualified.body.actions[0].params.to).toEqual(['+14155550100']);
  });

  it('asks which one when a name fits several, listing them, and runs nothing', async () => {
    const res = await intent('text bob that I am late');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('cannot_plan');
    expect(res.body.error.message).toMatch(/^which "bob"\? It could be Bob /);
    const asked = res.body.error.details.find(
      (d: { path: string }) => d.path === 'actions[0].params.to',
    );
    expect(asked.candidates.map((c: { name: string }) => c.name).sort()).toEqual([
      'Bob Marley',
      'Bob Stone',
    ]);
    expect(asked.candidates).toContainEqual(
      expect.objectContaining({ name: 'Bob Stone', address: '+14155550100' }),
    );
    const plans = await h.api('GET', '/v1/plans', undefined, as);
    expect(plans.body.data.some((p: { intent: string }) => p.intent.includes('late'))).toBe(false);
  });

  it('names a name no contact fits, and a contact without the address a step needs', async () => {
    const nobody = await intent('email Zed about the report');
    expect(nobody.status).toBe(422);
    expect(nobody.body.error.message).toMatch(/^no contact matches "Zed"/);
    const noPhone = await intent('call Ann Lee and tell her the car is ready');
    expect(noPhone.status).toBe(422);
    expect(noPhone.body.error.message).toBe('Ann Lee has no phone number in your contacts');
  });

  it('texts the people of the meeting just booked, by the numbers their contacts hold', async () => {
    const res = await intent(
      `book a demo with jo@example.com on ${day(22)} at 3pm and text her 10 minutes before saying see you soon`,
      { dry_run: true },
    );
    expect(res.status).toBe(200);
    expect(res.body.actions[1]).toMatchObject({
      type: 'send_sms',
      params: { to: ['+14155550102'], message: 'See you soon' },
      not_before: '-10m',
      use_result_from: 0,
    });
  });

  it('holds for approval when the names come from text a third party wrote', async () => {
    const res = await intent(`book a call with Jonathan on ${day(23)} at 10am`, {
      source: 'webhook',
    });
    expect(res.status).toBe(201);
    expect(res.body.outcome).toBe('awaiting_approval');
    expect(res.body.approval_reason).toContain('jon@example.com does not appear in the text');
    await h.api('POST', `/v1/plans/${res.body.plan_id}/cancel`, undefined, as);
  });

  it("never uses another tenant's contacts", async () => {
    const other = await h.newTenant();
    const res = await intent('text bobby that I am late', {}, { 'x-errand-tenant': other.id });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/^no contact matches "bobby"/);
  });
});

describe('an intent whose step waits for a time', () => {
  it('plans "at <time>" as not_before, and the plan waits for it', async () => {
    const res = await intent(`text +14155550123 on ${day(30)} at 9am that the parcel is coming`);
    expect(res.status).toBe(201);
    expect(res.body.actions[0].not_before).toBe(`${day(30)}T09:00:00`);
    const handle = h.client.workflow.getHandle(res.body.workflow_id);
    const waiting = await eventually(async () => {
      const plan = await h.api('GET', `/v1/plans/${res.body.plan_id}`, undefined, as);
      return plan.body.status === 'waiting_for_time' ? plan.body : undefined;
    });
    expect(new Date(waiting.waiting_until).getTime()).toBeGreaterThan(Date.now());
    await h.api('POST', `/v1/plans/${res.body.plan_id}/cancel`, undefined, as);
    await expect(handle.result()).resolves.toMatchObject({ status: 'cancelled' });
  });
});

describe('a plan whose match names a contact', () => {
  it('matches by the address of the contact the name means, resolved at submission', async () => {
    const time = `${day(40)}T10:00:00`;
    const booked = await h.api(
      'POST',
      '/v1/plans',
      {
        intent: 'book',
        actions: [
          { type: 'book_meeting', params: { title: 'Sync', time, attendees: ['jon@example.com'] } },
        ],
      },
      as,
    );
    await h.client.workflow.getHandle(booked.body.workflow_id).result();
    const cancel = await h.api(
      'POST',
      '/v1/plans',
      {
        intent: 'cancel my sync with Jon',
        actions: [
          { type: 'cancel_meeting', params: { match: { attendee: 'Jon', date: day(40) } } },
        ],
      },
      as,
    );
    expect(cancel.status).toBe(201);
    const state = await h.client.workflow.getHandle(cancel.body.workflow_id).result();
    expect(state.status).toBe('completed');
    const stored = await h.api('GET', `/v1/plans/${cancel.body.plan_id}`, undefined, as);
    expect(stored.body.actions[0].params.match.attendee).toBe('jon@example.com');

    const ambiguous = await h.api(
      'POST',
      '/v1/plans',
      {
        intent: 'x',
        actions: [{ type: 'cancel_meeting', params: { match: { attendee: 'bob' } } }],
      },
      as,
    );
    expect(ambiguous.status).toBe(422);
    expect(ambiguous.body.error).toMatchObject({ code: 'contact_not_resolved' });
    expect(ambiguous.body.error.details[0]).toMatchObject({
      path: 'actions[0].params.match.attendee',
      candidates: expect.arrayContaining([expect.objectContaining({ name: 'Bob Stone' })]),
    });
    const bad = await h.api(
      'POST',
      '/v1/plans',
      {
        intent: 'x',
        actions: [{ type: 'cancel_meeting', params: { match: { attendee: 'a@b' } } }],
      },
      as,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('actions[0].params.match.attendee');
  });
});
