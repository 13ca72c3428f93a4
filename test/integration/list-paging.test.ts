import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const HOUR = 3600_000;
const base = Date.parse('2027-09-06T09:00:00Z');
const ROWS = 250;

/** Follows next_cursor from the first page to the last, collecting every row. */
type Row = Record<string, string>;

async function walk(path: string, limit: number): Promise<Row[][]> {
  const pages: Row[][] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const query = `${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await h.api('GET', `${path}${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body.data);
    cursor = res.body.next_cursor;
  } while (cursor && pages.length < 100);
  return pages;
}

describe('GET /v1/calendar/events pages past 200 rows', () => {
  const ids: string[] = [];
  beforeAll(async () => {
    // Pairs share a start time (one confirmed, one cancelled) so the id must break ties.
    const rows = Array.from({ length: ROWS }, (_, i) => {
      const id = randomUUID();
      ids.push(id);
      const start = new Date(base + Math.floor(i / 2) * HOUR);
      return {
        id,
        tenant_id: h.tenant.id,
        title: `event ${i}`,
        start_at: start,
        end_at: new Date(start.getTime() + 30 * 60_000),
        attendees: [],
        status: i % 2 === 0 ? 'confirmed' : 'cancelled',
        join_link: `https://meet.example.com/${id}`,
        idempotency_key: `seed-${id}`,
        updated_at: new Date(),
      };
    });
    await h.db.insertInto('calendar_events').values(rows).execute();
  });

  it('walks every event once, earliest first, with no gaps or repeats', async () => {
    const pages = await walk('/v1/calendar/events', 40);
    expect(pages).toHaveLength(Math.ceil(ROWS / 40));
    const seen = pages.flat();
    expect(seen.map((e) => e.meeting_id).sort()).toEqual([...ids].sort());
    const starts = seen.map((e) => e.start_time);
    expect(starts).toEqual([...starts].sort());
  });

  it('keeps its filters across pages', async () => {
    const pages = await walk('/v1/calendar/events?status=cancelled', 50);
    const seen = pages.flat();
    expect(seen).toHaveLength(ROWS / 2);
    expect(seen.every((e) => e.status === 'cancelled')).toBe(true);
  });

  it('refuses a cursor it did not hand out', async () => {
    const res = await h.api('GET', '/v1/calendar/events?cursor=bogus');
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual({
      path: 'cursor',
      message: 'is not a cursor this API returned',
    });
  });
});

describe('GET /v1/reminders pages past 200 rows', () => {
  const ids: string[] = [];
  beforeAll(async () => {
    const rows = Array.from({ length: ROWS }, (_, i) => {
      const id = randomUUID();
      ids.push(id);
      return {
        id,
        tenant_id: h.tenant.id,
        plan_id: null,
        step_index: null,
        meeting_id: null,
        offset_ms: null,
        // Three reminders per due time: ties broken by id.
        fire_at: new Date(base + Math.floor(i / 3) * HOUR),
        status: 'pending',
        channel: 'notification',
        recipients: [],
        message: `reminder ${i}`,
        timezone: 'UTC',
        workflow_id: `${h.tenant.id}/reminder/${id}`,
        idempotency_key: `seed-${id}`,
        updated_at: new Date(),
      };
    });
    await h.db.insertInto('reminders').values(rows).execute();
  });

  it('walks every reminder once, soonest first, with no gaps or repeats', async () => {
    const pages = await walk('/v1/reminders', 60);
    expect(pages).toHaveLength(Math.ceil(ROWS / 60));
    const seen = pages.flat();
    expect(seen.map((r) => r.id).sort()).toEqual([...ids].sort());
    const times = seen.map((r) => r.fire_at);
    expect(times).toEqual([...times].sort());
  });

  it('ends with next_cursor null', async () => {
    const res = await h.api('GET', '/v1/reminders?limit=200&status=fired');
    expect(res.body).toEqual({ data: [], next_cursor: null });
  });
});
