import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanState } from '../../src/workflows/definitions';
import { futureSlot, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const csv = (body: string) =>
  h.api('POST', '/v1/contacts/import', body, { 'content-type': 'text/csv' });

describe('contacts', () => {
  it('are created, read, changed, listed and deleted, names unique without case', async () => {
    const made = await h.api('POST', '/v1/contacts', {
      name: 'Ada Lovelace',
      emails: ['ada@example.com'],
      phones: ['+442071234567'],
      aliases: ['ada from analytics'],
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Ada Lovelace', emails: ['ada@example.com'] });
    const again = await h.api('POST', '/v1/contacts', { name: 'ada lovelace' });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toEqual([expect.objectContaining({ path: 'name' })]);
    const bad = await h.api('POST', '/v1/contacts', { name: 'X', emails: ['not-an-email'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'emails[0]' })]);

    const changed = await h.api('PUT', `/v1/contacts/${made.body.id}`, {
      name: 'Ada King',
      emails: ['ada@example.com', 'ada.king@example.com'],
    });
    expect(changed.status).toBe(200);
    expect((await h.api('GET', `/v1/contacts/${made.body.id}`)).body.name).toBe('Ada King');
    const listed = await h.api('GET', '/v1/contacts?limit=200');
    expect(listed.body.data.map((c: { id: string }) => c.id)).toContain(made.body.id);
    expect((await h.api('DELETE', `/v1/contacts/${made.body.id}`)).status).toBe(204);
    expect((await h.api('GET', `/v1/contacts/${made.body.id}`)).status).toBe(404);
  });

  it('import from CSV, all rows or none, and replace by name', async () => {
    const bad = await csv(
      'name,emails,phones,aliases\nBob Stone,bob@acme.example,,bob from acme\nEve,nope,,\n',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      expect.objectContaining({ path: 'rows[1].emails[0]' }),
    ]);
    expect((await h.api('GET', '/v1/contacts?q=bob')).body.data).toEqual([]);

    const good = await csv(
      'Name,Emails,Phones,Aliases\n' +
        'Bob Stone,bob@acme.example,+14155550100,bob from acme\n' +
        'Bob Marley,bob.m@example.com;marley@example.com,,\n' +
        'Jonathan Smith,jon@example.com,,Jon\n',
    );
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ created: 3, updated: 0 });
    const replaced = await csv(
      'name,emails,phones,aliases\nbob stone,stone@acme.example,,bob from acme\n',
    );
    expect(replaced.body).toEqual({ created: 0, updated: 1 });
    const stone = await h.api('GET', '/v1/contacts?q=stone@acme.example');
    // A row replaces the whole contact, its name's spelling included.
    expect(stone.body.data).toEqual([
      expect.objectContaining({ name: 'bob stone', emails: ['stone@acme.example'], score: 1 }),
    ]);

    const json = await h.api('POST', '/v1/contacts/import', { name: 'x' });
    expect(json.status).toBe(415);
  });

  it('are found by a loose name: an alias, a misspelling, several alike', async () => {
    const names = async (q: string) =>
      (await h.api('GET', `/v1/contacts?q=${encodeURIComponent(q)}`)).body.data.map(
        (c: { name: string }) => c.name,
      );
    expect((await names('bob from acme'))[0]).toBe('bob stone');
    expect((await names('Jonathon Smth'))[0]).toBe('Jonathan Smith');
    expect(await names('bob')).toEqual(expect.arrayContaining(['bob stone', 'Bob Marley']));
    expect(await names('zzqx')).toEqual([]);
  });
});

describe("a plan's user and the contact that is that user", () => {
  const seed = (userId?: string, hour = 10) => ({
    intent: 'Block an hour for focus and email me a confirmation',
    ...(userId && { user_id: userId }),
    actions: [
      { type: 'book_meeting', title: 'Focus', time: futureSlot(30, hour) },
      { type: 'send_email', use_result_from: 0, template: 'meeting_confirmation' },
    ],
  });
  const run = async (body: unknown) => {
    const res = await h.api('POST', '/v1/plans', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (await h.client.workflow.getHandle(res.body.workflow_id).result()) as PlanState;
  };

  it('sends an email with nobody named to the user’s contact, and says so', async () => {
    const made = await h.api('POST', '/v1/contacts', {
      name: 'Grace Hopper',
      emails: ['grace@example.com', 'g@example.org'],
      user_id: 'grace',
    });
    expect(made.body).toMatchObject({ user_id: 'grace' });
    const twice = await h.api('POST', '/v1/contacts', { name: 'Other Grace', user_id: 'grace' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.details).toEqual([expect.objectContaining({ path: 'user_id' })]);

    const state = await run(seed('grace'));
    expect(state.status).toBe('completed');
    expect(state.steps[1].output).toMatchObject({
      to: ['grace@example.com'],
      sent_to_user: 'grace',
    });
  });

  it('fails the email, saying how to fix it, when the user has no contact', async () => {
    const state = await run(seed('nobody-yet', 12));
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({
      step: 1,
      type: 'InvalidStepError',
      message: expect.stringContaining('POST /v1/contacts'),
    });
  });

  it('refuses the plan at validation when it names no user', async () => {
    const res = await h.api('POST', '/v1/plans', seed());
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({
        path: 'actions[1].to',
        message: expect.stringContaining('user_id'),
      }),
    ]);
  });
});
