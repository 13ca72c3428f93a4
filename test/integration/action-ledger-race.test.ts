import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reserveActions } from '../../src/db/action-ledger-repository';
import { capacityShortfall } from '../../src/limits/action-capacity';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: false });
});
afterAll(async () => {
  await h?.close();
});

describe('the action ledger under concurrent submissions', () => {
  it('counts places reserved just after the clock this submission read', async () => {
    // Submission A read its clock at t, then waited for the tenant's lock while B, whose
    // clock read t + 50 ms, reserved the last places: A must see them.
    const t = new Date('2031-05-05T10:00:00.000Z');
    const steps = [0, 1, 2].map((step_index) => ({ workflow_id: randomUUID(), step_index }));
    await reserveActions(h.db, h.tenant.id, steps, new Date(t.getTime() + 50));
    const short = await capacityShortfall(h.db, {
      tenantId: h.tenant.id,
      limits: { actions_per_minute: 3, actions_per_hour: 1000 },
      need: 1,
      now: t,
    });
    expect(short).toMatchObject({ limit: 'actions_per_minute', counted: 3 });
  });
});
