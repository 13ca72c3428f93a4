import { randomUUID } from 'node:crypto';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { openApiPath } from '../../src/api/openapi-document';
import { ROUTES } from '../../src/api/openapi/route-table';
import { PERMISSIONS, SIGNED_ROUTES } from '../../src/auth/permissions';
import { createRulesPlanner } from '../../src/planner/rules-planner';
import { createPostgresCalendar } from '../../src/providers/postgres-calendar';
import {
  futureSlot,
  startHarness,
  TEST_OPERATOR_KEY,
  TEST_PEPPER,
  type ApiResponse,
  type Harness,
} from '../support/harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let h: Harness;
let doc: Json;
const DOC_ID = 'https://errand.test/openapi.json';
const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
addFormats.default(ajv);
// Formats zod writes that ajv-formats does not know: accepted as any string here.
ajv.addFormat('e164', true);
ajv.addFormat('base64', true);

beforeAll(async () => {
  h = await startHarness();
  const res = await fetch(`${h.baseUrl}/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = await res.json();
  ajv.addSchema({ ...doc, $id: DOC_ID });
});
afterAll(async () => {
  await h?.close();
});

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** JSON Pointer escaping of one reference token. */
const token = (part: string) => part.replace(/~/g, '~0').replace(/\//g, '~1');
const pointer = (...parts: string[]) => `#/${parts.map(token).join('/')}`;

const compiled = new Map<string, ValidateFunction>();
function validatorAt(ref: string): ValidateFunction {
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOC_ID}${ref}` });
    compiled.set(ref, validate);
  }
  return validate;
}

/** Every place the document holds a schema: components, parameters, bodies, responses. */
function schemaPointers(): string[] {
  const found = Object.keys(doc.components?.schemas ?? {}).map((name) =>
    pointer('components', 'schemas', name),
  );
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      (op.parameters ?? []).forEach((p: Json, i: number) => {
        if (p.schema) found.push(pointer('paths', path, method, 'parameters', String(i), 'schema'));
      });
      for (const type of Object.keys(op.requestBody?.content ?? {}))
        found.push(pointer('paths', path, method, 'requestBody', 'content', type, 'schema'));
      for (const [status, response] of Object.entries<Json>(op.responses ?? {}))
        for (const type of Object.keys(response.content ?? {}))
          found.push(
            pointer('paths', path, method, 'responses', status, 'content', type, 'schema'),
          );
    }
  }
  return found;
}

const validated = new Set<string>();

/** The schema the document gives `route` ("METHOD /express/:path") for `status` (else `default`). */
function responseValidator(route: string, status: number, type = 'application/json') {
  const [method, path] = route.split(' ') as [string, string];
  const op = doc.paths[openApiPath(path)]?.[method.toLowerCase()];
  expect(op, `${route} is in the document`).toBeDefined();
  const key = op.responses[String(status)] ? String(status) : 'default';
  expect(op.responses[key], `${route} documents ${status} or a default`).toBeDefined();
  if (op.responses[key].content === undefined) return undefined;
  expect(Object.keys(op.responses[key].content)).toContain(type);
  return validatorAt(
    pointer(
      'paths',
      openApiPath(path),
      method.toLowerCase(),
      'responses',
      key,
      'content',
      type,
      'schema',
    ),
  );
}

/** Checks a real response's body against the document's schema for its route and status. */
function expectConforms(route: string, res: ApiResponse) {
  const validate = responseValidator(route, res.status);
  if (!validate) {
    expect(res.body, `${route} ${res.status} has no body`).toBeNull();
  } else {
    expect(
      validate(res.body),
      `${route} ${res.status}: ${JSON.stringify(validate.errors, null, 1)}\n${JSON.stringify(res.body).slice(0, 2000)}`,
    ).toBe(true);
  }
  validated.add(`${route} ${res.status}`);
}

/** Every route an Express router serves, as "METHOD /path", found by walking its stack. */
function routesOf(stack: Json[], found = new Set<string>()): Set<string> {
  for (const layer of stack) {
    if (layer.route) {
      const paths: string[] = Array.isArray(layer.route.path)
        ? layer.route.path
        : [layer.route.path];
      for (const method of Object.keys(layer.route.methods))
        for (const path of paths) found.add(`${method.toUpperCase()} ${path}`);
    } else if (Array.isArray(layer.handle?.stack)) {
      routesOf(layer.handle.stack, found);
    }
  }
  return found;
}

/** Routes no API key guards, served outside PERMISSIONS. */
const UNAUTHENTICATED = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /openapi.json',
  'GET /docs',
  'GET /v1/actions',
  'POST /v1/automations/callbacks/:token',
  ...Object.keys(SIGNED_ROUTES),
];

describe('the OpenAPI document', () => {
  it('has every route of PERMISSIONS, every signed and unauthenticated route, as OpenAPI paths', () => {
    const missing = [...Object.keys(PERMISSIONS), ...UNAUTHENTICATED].filter((route) => {
      const [method, path] = route.split(' ') as [string, string];
      return !doc.paths[openApiPath(path)]?.[method.toLowerCase()];
    });
    expect(missing).toEqual([]);
    expect(Object.keys(doc.paths)).toContain('/v1/plans/{id}');
    expect(Object.keys(doc.paths).filter((p) => p.includes(':'))).toEqual([]);
  });

  it('has every route the Express app itself serves', () => {
    const app = createApp({
      db: h.db,
      temporal: h.client,
      calendar: createPostgresCalendar({ db: h.db, meetingLinkBase: 'https://x/' }),
      planner: createRulesPlanner(),
      taskQueue: h.taskQueue,
      logger: pino({ level: 'silent' }),
      keyPepper: TEST_PEPPER,
      bodyLimit: '64kb',
      webUiUrl: 'http://localhost:8233',
      databaseKind: inject('databaseKind'),
    });
    const served = routesOf((app as Json).router.stack);
    expect(served.size).toBeGreaterThan(50);
    const missing = [...served].filter((route) => {
      const [method, path] = route.split(' ') as [string, string];
      return !doc.paths[openApiPath(path)]?.[method.toLowerCase()];
    });
    expect(missing).toEqual([]);
    // And nothing documented that is not served (the inbound route is mounted behind a closure).
    const extra = Object.keys(ROUTES).filter(
      (route) => !served.has(route) && route !== 'POST /v1/inbound/:source',
    );
    expect(extra).toEqual([]);
  });

  it('is OpenAPI 3.1 whose every operation has responses and every schema compiles', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/v1/plans'].get.security).toEqual([{ apiKey: [] }]);
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    let operations = 0;
    for (const item of Object.values<Json>(doc.paths)) {
      for (const method of METHODS) {
        if (!item[method]) continue;
        operations += 1;
        expect(Object.keys(item[method].responses ?? {}).length).toBeGreaterThan(0);
      }
    }
    expect(operations).toBe(Object.keys(ROUTES).length);
    const pointers = schemaPointers();
    expect(pointers.length).toBeGreaterThan(200);
    for (const at of pointers) expect(() => validatorAt(at), at).not.toThrow();
  });

  it('describes the error body every error answers with', () => {
    expect(doc.components.schemas.Error).toMatchObject({
      type: 'object',
      required: ['error'],
    });
    expect(doc.paths['/v1/plans'].post.responses['400'].content['application/json'].schema).toEqual(
      { $ref: '#/components/schemas/Error' },
    );
  });

  it('serves interactive docs at /docs with their own assets', async () => {
    const page = await fetch(`${h.baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${h.baseUrl}/docs/`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('swagger-ui');
    const init = await fetch(`${h.baseUrl}/docs/swagger-ui-init.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain('../openapi.json');
    for (const asset of ['swagger-ui.css', 'swagger-ui-bundle.js']) {
      expect((await fetch(`${h.baseUrl}/docs/${asset}`)).status, asset).toBe(200);
    }
    expect((await fetch(`${h.baseUrl}/docs/no-such-file.js`)).status).toBe(404);
  });
});

describe('real responses', () => {
  it('of health, the catalog and the tenant records validate against the document', async () => {
    expectConforms('GET /healthz', await h.raw('GET', '/healthz'));
    expectConforms('GET /readyz', await h.raw('GET', '/readyz'));
    expectConforms('GET /v1/actions', await h.raw('GET', '/v1/actions'));
    expectConforms('GET /v1/tools', await h.api('GET', '/v1/tools'));
    expectConforms('GET /v1/settings', await h.api('GET', '/v1/settings'));
    expectConforms('GET /v1/keys', await h.api('GET', '/v1/keys'));
    expectConforms(
      'GET /v1/settings/webhook-secret',
      await h.api('GET', '/v1/settings/webhook-secret'),
    );
    expectConforms('GET /v1/analytics', await h.api('GET', '/v1/analytics'));

    const contact = await h.api('POST', '/v1/contacts', {
      name: `Ann ${randomUUID().slice(0, 6)}`,
      emails: ['ann@example.com'],
    });
    expect(contact.status).toBe(201);
    expectConforms('POST /v1/contacts', contact);
    expectConforms('GET /v1/contacts', await h.api('GET', '/v1/contacts'));
    expectConforms('GET /v1/contacts', await h.api('GET', '/v1/contacts?q=ann'));

    const hook = await h.api('POST', '/v1/webhooks', {
      url: 'https://hooks.example.com/errand',
      events: ['plan_completed'],
    });
    expect(hook.status).toBe(201);
    expectConforms('POST /v1/webhooks', hook);
    expectConforms('GET /v1/webhooks', await h.api('GET', '/v1/webhooks'));
    expectConforms('GET /v1/webhooks/:id', await h.api('GET', `/v1/webhooks/${hook.body.id}`));
    expectConforms(
      'GET /v1/webhooks/:id/deliveries',
      await h.api('GET', `/v1/webhooks/${hook.body.id}/deliveries`),
    );

    const key = await h.api('POST', '/v1/keys', { role: 'viewer', name: 'openapi' });
    expect(key.status).toBe(201);
    expectConforms('POST /v1/keys', key);
    const tenant = await h.raw(
      'POST',
      '/v1/tenants',
      { name: 'OpenAPI tenant' },
      { authorization: `Bearer ${TEST_OPERATOR_KEY}` },
    );
    expect(tenant.status).toBe(201);
    expectConforms('POST /v1/tenants', tenant);
  });

  it('of a plan submitted, read, listed and validated validate against the document', async () => {
    const time = futureSlot(40, 9, Math.floor(Math.random() * 50));
    const plan = {
      intent: 'book a demo, email the link, remind me an hour before',
      actions: [
        {
          type: 'book_meeting',
          params: { title: 'OpenAPI demo', time, attendees: ['john@example.com'] },
        },
        { type: 'send_email', use_result_from: 0, params: { template: 'meeting_invite' } },
        { type: 'schedule_reminder', use_result_from: 0, params: { offset: '-1h' } },
      ],
    };
    expectConforms('POST /v1/plans/validate', await h.api('POST', '/v1/plans/validate', plan));
    const submitted = await h.api('POST', '/v1/plans', plan);
    expect(submitted.status).toBe(201);
    expectConforms('POST /v1/plans', submitted);
    await h.client.workflow.getHandle(submitted.body.workflow_id).result();

    const id = submitted.body.plan_id as string;
    const read = await h.api('GET', `/v1/plans/${id}`);
    expect(read.body.status).toBe('completed');
    expectConforms('GET /v1/plans/:id', read);
    expectConforms('GET /v1/plans', await h.api('GET', '/v1/plans?limit=5'));

    const events = await h.api('GET', '/v1/calendar/events?limit=200');
    expectConforms('GET /v1/calendar/events', events);
    const outbox = await h.api('GET', `/v1/outbox?plan_id=${id}`);
    expect(outbox.body.data.length).toBeGreaterThan(0);
    expectConforms('GET /v1/outbox', outbox);
    expectConforms(
      'GET /v1/outbox/:id',
      await h.api('GET', `/v1/outbox/${outbox.body.data[0].id}`),
    );
    const reminders = await h.api('GET', '/v1/reminders');
    const reminder = reminders.body.data.find((r: { plan_id: string }) => r.plan_id === id);
    expect(reminder).toBeDefined();
    expectConforms('GET /v1/reminders', reminders);
    expectConforms('GET /v1/reminders/:id', await h.api('GET', `/v1/reminders/${reminder.id}`));
    const cancelled = await h.api('DELETE', `/v1/reminders/${reminder.id}`);
    expect(cancelled.status).toBe(200);
    expectConforms('DELETE /v1/reminders/:id', cancelled);

    const meeting = read.body.steps[0].output.meeting_id as string;
    const moved = await h.api('PATCH', `/v1/calendar/events/${meeting}`, { title: 'Renamed demo' });
    expect(moved.status).toBe(200);
    expectConforms('PATCH /v1/calendar/events/:id', moved);
    const gone = await h.api('DELETE', `/v1/calendar/events/${meeting}`);
    expect(gone.status).toBe(200);
    expectConforms('DELETE /v1/calendar/events/:id', gone);
  });

  it('of intents, dry or run, and the decision log validate against the document', async () => {
    const text = `book a demo with ann@example.com on ${futureSlot(50, 0).slice(0, 10)} at 10am and email her the link`;
    const dry = await h.api('POST', '/v1/intents', { text, dry_run: true });
    expect(dry.status).toBe(200);
    expectConforms('POST /v1/intents', dry);
    const run = await h.api('POST', '/v1/intents', { text });
    expect([201, 202]).toContain(run.status);
    expectConforms('POST /v1/intents', run);
    const refused = await h.api('POST', '/v1/intents', { text: 'transfer $500 to my landlord' });
    expect(refused.status).toBe(422);
    expectConforms('POST /v1/intents', refused);
    expectConforms('GET /v1/decisions', await h.api('GET', '/v1/decisions'));
    expectConforms('GET /v1/analytics', await h.api('GET', '/v1/analytics'));
  });

  it('of approvals and cancellation validate against the document', async () => {
    const submitted = await h.api('POST', '/v1/plans', {
      intent: 'text Bob once approved',
      require_approval: true,
      actions: [{ type: 'send_sms', params: { to: ['+14155550123'], message: 'hello' } }],
    });
    expect(submitted.status).toBe(201);
    const id = submitted.body.plan_id as string;
    let approved: ApiResponse | undefined;
    for (let i = 0; i < 100 && approved?.status !== 200; i++) {
      approved = await h.api('POST', `/v1/plans/${id}/approve`, { reason: 'fine' });
      if (approved.status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(approved!.status).toBe(200);
    expectConforms('POST /v1/plans/:id/approve', approved!);
    await h.client.workflow.getHandle(submitted.body.workflow_id).result();
    const cancelled = await h.api('POST', `/v1/plans/${id}/cancel`);
    expect(cancelled.status).toBe(409);
    expectConforms('POST /v1/plans/:id/cancel', cancelled);
  });

  it('of schedules and conversations validate against the document', async () => {
    const schedule = await h.api('POST', '/v1/schedules', {
      plan: {
        intent: 'weekly nudge',
        actions: [{ type: 'send_sms', params: { to: ['+14155550123'], message: 'nudge' } }],
      },
      schedule: 'every Monday at 9am',
    });
    expect(schedule.status).toBe(201);
    expectConforms('POST /v1/schedules', schedule);
    const id = schedule.body.schedule_id as string;
    expectConforms('GET /v1/schedules', await h.api('GET', '/v1/schedules'));
    expectConforms('GET /v1/schedules/:id', await h.api('GET', `/v1/schedules/${id}`));
    expectConforms(
      'POST /v1/schedules/:id/pause',
      await h.api('POST', `/v1/schedules/${id}/pause`),
    );
    expectConforms('GET /v1/schedules/:id', await h.api('GET', `/v1/schedules/${id}`));
    const deleted = await h.api('DELETE', `/v1/schedules/${id}`);
    expect(deleted.status).toBe(204);
    expectConforms('DELETE /v1/schedules/:id', deleted);

    const opened = await h.apiAs('submitter', 'POST', '/v1/conversations', { title: 'OpenAPI' });
    expect(opened.status).toBe(201);
    expectConforms('POST /v1/conversations', opened);
    expectConforms('GET /v1/conversations', await h.apiAs('submitter', 'GET', '/v1/conversations'));
    expectConforms(
      'GET /v1/conversations/:id',
      await h.apiAs('submitter', 'GET', `/v1/conversations/${opened.body.conversation_id}`),
    );
  });

  it('that differ from the document fail its schemas', async () => {
    const health = (await h.raw('GET', '/healthz')).body;
    const plan = (await h.api('GET', '/v1/plans?limit=1')).body.data[0];
    expect(plan).toBeDefined();
    const checks: [string, number, unknown][] = [
      ['GET /healthz', 200, { ...health, extra: true }],
      ['GET /healthz', 200, { status: 'ok' }],
      ['GET /v1/plans', 200, { data: [{ ...plan, id: 42 }], next_cursor: null }],
      ['GET /v1/plans', 200, { data: [plan] }],
      ['GET /v1/plans/:id', 404, { error: { code: 'not_found', message: 'x', details: [] } }],
    ];
    for (const [route, status, body] of checks) {
      expect(responseValidator(route, status)!(body), `${route} ${JSON.stringify(body)}`).toBe(
        false,
      );
    }
  });

  it('of errors (400, 401, 404, 415) validate against the document', async () => {
    const invalid = await h.api('POST', '/v1/plans', {
      intent: 'x',
      actions: [{ type: 'rm_rf', params: {} }],
    });
    expect(invalid.status).toBe(400);
    expectConforms('POST /v1/plans', invalid);
    const badQuery = await h.api('GET', '/v1/plans?limit=0');
    expect(badQuery.status).toBe(400);
    expectConforms('GET /v1/plans', badQuery);
    const missing = await h.api('GET', `/v1/plans/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expectConforms('GET /v1/plans/:id', missing);
    const noReminder = await h.api('GET', `/v1/reminders/${randomUUID()}`);
    expect(noReminder.status).toBe(404);
    expectConforms('GET /v1/reminders/:id', noReminder);
    const metrics = await h.raw('GET', '/metrics');
    expect(metrics.status).toBe(401);
    expectConforms('GET /metrics', metrics);
    const anonymous = await h.raw('GET', '/v1/plans');
    expect(anonymous.status).toBe(401);
    expectConforms('GET /v1/plans', anonymous);
    const form = await h.api('POST', '/v1/plans', 'intent=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    expectConforms('POST /v1/plans', form);
  });

  it('were checked for a representative set of operations', () => {
    expect(validated.size).toBeGreaterThanOrEqual(40);
  });
});
