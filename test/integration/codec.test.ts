import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Activities } from '../../src/activities';
import { INTENT_SOURCES } from '../../src/api/intent-gate';
import { ACTION_TYPES } from '../../src/plan/action-types';
import { isReadableSummary } from '../../src/temporal/readable-summaries';
import { futureSlot, startHarness, TEST_OPERATOR_KEY, type Harness } from '../support/harness';

/** An SMS whose text starts with this fails for good, its error naming the number and the text. */
const REFUSE = 'refuse:';

function refusingSms(activities: Activities): Activities {
  return {
    ...activities,
    send_sms: async (input) => {
      if (input.params.message.startsWith(REFUSE)) {
        throw ApplicationFailure.nonRetryable(
          `carrier refused ${input.params.to.join(', ')}: ${input.params.message}`,
          'CarrierRefused',
        );
      }
      return activities.send_sms(input);
    },
  };
}

/** The fields of the markers the SDK records itself, which no codec sees and no user data enters. */
const MARKER_KEYS = {
  localActivity: [
    'activity_id',
    'activity_type',
    'attempt',
    'backoff',
    'complete_time',
    'original_schedule_time',
    'seq',
  ],
  patch: ['deprecated', 'id'],
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ wrapActivities: refusingSms });
});
afterAll(async () => {
  await h?.close();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const utf8 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('utf8');

interface WirePayload {
  metadata: Record<string, string>;
  data: string;
}

/** Every Payload in a history, as the remote codec protocol writes them. */
function payloadsOf(value: unknown, out: WirePayload[] = []): WirePayload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return out;
  const v = value as Record<string, unknown>;
  if (v.data instanceof Uint8Array && v.metadata && typeof v.metadata === 'object') {
    out.push({
      metadata: Object.fromEntries(
        Object.entries(v.metadata).map(([k, m]) => [
          k,
          Buffer.from(m as Uint8Array).toString('base64'),
        ]),
      ),
      data: Buffer.from(v.data).toString('base64'),
    });
    return out;
  }
  for (const child of Object.values(v)) payloadsOf(child, out);
  return out;
}

async function runPlan(actions: unknown[], intent: string) {
  const res = await h.api('POST', '/v1/plans', { intent, actions });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const handle = h.client.workflow.getHandle(res.body.workflow_id);
  await handle.result();
  const history = await handle.fetchHistory();
  return { workflowId: res.body.workflow_id as string, history };
}

describe('payloads in Temporal are encrypted', () => {
  const address = `ada-${randomUUID().slice(0, 8)}@example.com`;
  const phone = '+14155550187';
  const text = `The launch moved to Friday ${randomUUID()}`;
  const title = `Roadmap with Ada ${randomUUID().slice(0, 6)}`;
  const refusal = `${REFUSE} your code is ${randomUUID().slice(0, 8)}`;
  let run: Awaited<ReturnType<typeof runPlan>>;

  beforeAll(async () => {
    run = await runPlan(
      [
        {
          type: 'book_meeting',
          params: { title, time: futureSlot(45, 10), attendees: [address] },
        },
        { type: 'send_email', params: { to: [address], subject: title, body: text } },
        { type: 'send_sms', params: { to: [phone], message: text } },
        { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1h' } },
      ],
      `Book ${title} with ${address} and tell them: ${text}`,
    );
  }, 60_000);

  it('a plan with an address and a message completes, and its history holds neither in plain text', async () => {
    const plan = await h.api('GET', `/v1/plans/${run.workflowId.split('/').pop()}`);
    expect(plan.body.status).toBe('completed');
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(run.history).finish());
    for (const secret of [address, text, title, phone]) expect(bytes.includes(secret)).toBe(false);
    const payloads = payloadsOf(run.history);
    expect(payloads.length).toBeGreaterThan(10);
    const started = run.history.events![0]!;
    // Memo (the intent) sealed; the summary and the search attribute readable.
    const memo = started.workflowExecutionStartedEventAttributes!.memo!.fields!.intent!;
    expect(utf8(memo.metadata!.encoding)).toBe('binary/encrypted');
    expect(JSON.parse(utf8(started.userMetadata!.summary!.data))).toBe(
      'book_meeting → send_email → send_sms → schedule_reminder -1h',
    );
    const attributes = started.workflowExecutionStartedEventAttributes!.searchAttributes!;
    expect(JSON.parse(utf8(attributes.indexedFields!.ErrandTenant!.data))).toBe(h.tenant.id);
    const sealed = payloads.filter(
      (p) => utf8(Buffer.from(p.metadata.encoding!, 'base64')) === 'binary/encrypted',
    );
    const plain = payloads.filter((p) => !sealed.includes(p));
    // The values Errand's search attributes take: fixed words, never what a plan says.
    const attributeWords = new Set<string>([
      h.tenant.id,
      ...INTENT_SOURCES,
      ...ACTION_TYPES,
      ...['pending', 'awaiting_approval', 'running', 'waiting_for_time', 'completed', 'failed'],
    ]);
    // Left plain: summaries, search attributes, and the markers the SDK records itself.
    for (const p of plain) {
      const value: unknown = JSON.parse(Buffer.from(p.data, 'base64').toString());
      if (typeof value === 'string') {
        expect(isReadableSummary(value) || attributeWords.has(value), value).toBe(true);
      } else if (typeof value === 'boolean' || value === null) {
        // ErrandAwaitingApproval's flag, or ErrandStepType removed: nothing a plan says.
        continue;
      } else if (Array.isArray(value)) {
        // TemporalChangeVersion, the search attribute where the SDK lists a run's patch ids.
        for (const id of value) expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
      } else {
        expect(
          [MARKER_KEYS.localActivity, MARKER_KEYS.patch],
          JSON.stringify(value),
        ).toContainEqual(Object.keys(value as object).sort());
      }
    }
    expect(sealed.length).toBeGreaterThan(10);
  });

  it('POST /codec/decode with the operator key opens them', async () => {
    const payloads = payloadsOf(run.history);
    const res = await h.raw(
      'POST',
      '/codec/decode',
      { payloads },
      {
        ...bearer(TEST_OPERATOR_KEY),
        'x-namespace': 'default',
      },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.payloads).toHaveLength(payloads.length);
    const opened = res.body.payloads
      .map((p: WirePayload) => Buffer.from(p.data, 'base64').toString())
      .join('\n');
    for (const secret of [address, text, title]) expect(opened).toContain(secret);
    expect(
      res.body.payloads.every(
        (p: WirePayload) =>
          Buffer.from(p.metadata.encoding!, 'base64').toString() !== 'binary/encrypted',
      ),
    ).toBe(true);
  });

  it('refuses a caller without a key (401) and a tenant’s key, even its admin (403)', async () => {
    const payloads = payloadsOf(run.history).slice(0, 3);
    const none = await h.raw('POST', '/codec/decode', { payloads });
    expect(none.status).toBe(401);
    for (const role of ['admin', 'viewer'] as const) {
      const res = await h.apiAs(role, 'POST', '/codec/decode', { payloads });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it('a failure’s message and stack trace are sealed too', async () => {
    const failed = await runPlan(
      [{ type: 'send_sms', params: { to: [phone], message: refusal } }],
      'text the code',
    );
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(failed.history).finish());
    expect(bytes.includes(refusal)).toBe(false);
    expect(bytes.includes(phone)).toBe(false);
    const event = failed.history.events!.find((e) => e.activityTaskFailedEventAttributes);
    const failure = event!.activityTaskFailedEventAttributes!.failure!;
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    const [attrs] = payloadsOf(failure.encodedAttributes ? { a: failure.encodedAttributes } : {});
    const res = await h.raw(
      'POST',
      '/codec/decode',
      { payloads: [attrs] },
      bearer(TEST_OPERATOR_KEY),
    );
    expect(res.status).toBe(200);
    const opened = JSON.parse(Buffer.from(res.body.payloads[0].data, 'base64').toString());
    expect(opened.message).toBe(`carrier refused ${phone}: ${refusal}`);
    // The plan itself reads the real message back through the same converter.
    const plan = await h.api('GET', `/v1/plans/${failed.workflowId.split('/').pop()}`);
    expect(JSON.stringify(plan.body)).toContain('carrier refused');
  });

  it('the temporal CLI shows the history in plain text through the codec endpoint', async () => {
    const args = [
      'workflow',
      'show',
      '--address',
      inject('temporalAddress'),
      '--workflow-id',
      run.workflowId,
      '--output',
      'json',
    ];
    const exec = promisify(execFile);
    const without = await exec(inject('temporalCli'), args);
    expect(without.stdout).not.toContain(address);
    const { stdout } = await exec(inject('temporalCli'), [
      ...args,
      '--codec-endpoint',
      `${h.baseUrl}/codec`,
      '--codec-auth',
      `Bearer ${TEST_OPERATOR_KEY}`,
    ]);
    // The CLI prints payloads as protobuf JSON, their data in base64.
    const shown = (out: string) =>
      [...out.matchAll(/"data": "([A-Za-z0-9+/=]*)"/g)]
        .map((m) => Buffer.from(m[1]!, 'base64').toString())
        .join('\n');
    expect(shown(without.stdout)).not.toContain(address);
    expect(shown(stdout)).toContain(address);
    expect(shown(stdout)).toContain(text);
    expect(stdout).not.toContain(Buffer.from('binary/encrypted').toString('base64'));
  });
});

describe('the codec endpoint', () => {
  const webUi = 'http://localhost:8233';

  it('answers the Web UI’s preflight, and lets it read answers, refusals included', async () => {
    const preflight = await fetch(`${h.baseUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: webUi,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-namespace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(webUi);
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'Authorization, Content-Type, X-Namespace',
    );
    const refused = await h.raw('POST', '/codec/decode', { payloads: [] }, { origin: webUi });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(webUi);
  });

  it('gives another origin no CORS headers', async () => {
    const preflight = await fetch(`${h.baseUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('round-trips through /codec/encode and /codec/decode, and passes plain payloads through decode', async () => {
    const plain = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from(JSON.stringify({ to: 'ada@example.com' })).toString('base64'),
    };
    const op = bearer(TEST_OPERATOR_KEY);
    const encoded = await h.raw('POST', '/codec/encode', { payloads: [plain] }, op);
    expect(encoded.status).toBe(200);
    expect(Buffer.from(encoded.body.payloads[0].data, 'base64').toString()).not.toContain('ada@');
    const decoded = await h.raw(
      'POST',
      '/codec/decode',
      { payloads: [...encoded.body.payloads, plain] },
      op,
    );
    expect(decoded.body.payloads).toEqual([plain, plain]);
  });

  it('refuses bad bodies, too many payloads, tampered data and another namespace with a 4xx naming why', async () => {
    const op = bearer(TEST_OPERATOR_KEY);
    const notBase64 = await h.raw('POST', '/codec/decode', { payloads: [{ data: '***' }] }, op);
    expect(notBase64.status).toBe(400);
    expect(notBase64.body.error.details[0].path).toBe('payloads[0].data');
    const many = await h.raw(
      'POST',
      '/codec/decode',
      { payloads: Array(1001).fill({ data: '' }) },
      op,
    );
    expect(many.status).toBe(400);
    expect(many.body.error.details[0].path).toBe('payloads');
    const big = await h.raw(
      'POST',
      '/codec/decode',
      { payloads: [{ data: 'A'.repeat(5_000_000) }] },
      op,
    );
    expect(big.status).toBe(413);
    const encoded = await h.raw('POST', '/codec/encode', { payloads: [{ data: 'aGk=' }] }, op);
    const sealed = encoded.body.payloads[0];
    const bytes = Buffer.from(sealed.data, 'base64');
    bytes[15] = bytes[15]! ^ 1;
    const tampered = await h.raw(
      'POST',
      '/codec/decode',
      { payloads: [{ ...sealed, data: bytes.toString('base64') }] },
      op,
    );
    expect(tampered.status).toBe(400);
    expect(tampered.body.error.code).toBe('undecodable');
    const other = await h.raw(
      'POST',
      '/codec/decode',
      { payloads: [] },
      { ...op, 'x-namespace': 'prod' },
    );
    expect(other.status).toBe(400);
    expect(other.body.error.details[0].path).toBe('x-namespace');
  });
});
