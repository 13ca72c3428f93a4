import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundHttp } from '../../src/net/outbound-http';
import { WEBHOOK_MAX_RESPONSE_BYTES } from '../../src/net/webhook-limits';
import type { PlanState } from '../../src/workflows/definitions';
import { startHarness, type Harness } from '../support/harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

// Every URL here that a broken guard would let through leads to the loopback
// receiver (or to a `.test` name real DNS cannot resolve), never to another machine.

/** Names this test resolves itself, as a hostile or rebinding DNS server would answer. */
const FAKE_DNS: Record<string, LookupAddress[]> = {
  'rebind.test': [{ address: '127.0.0.1', family: 4 }],
  'v6.test': [{ address: '::1', family: 6 }],
  'mapped.test': [{ address: '::ffff:127.0.0.1', family: 6 }],
  'intranet.test': [{ address: '10.0.0.5', family: 4 }],
  'metadata.test': [{ address: '169.254.169.254', family: 4 }],
};

let h: Harness;
let hooks: WebhookReceiver;
let port: number;

/** [automation, URL with PORT, the step error]. */
const refused: [string, string, string][] = [
  [
    'loopback',
    'https://127.0.0.1:PORT/x',
    'webhook refused: the URL must not name a loopback address',
  ],
  [
    'decimal',
    'https://2130706433:PORT/x',
    'webhook refused: the URL must not name a loopback address',
  ],
  ['ipv6', 'https://[::1]:PORT/x', 'webhook refused: the URL must not name a loopback address'],
  [
    'mapped',
    'https://[::ffff:127.0.0.1]:PORT/x',
    'webhook refused: the URL must not name a loopback address',
  ],
  ['plain-http', 'http://127.0.0.1:PORT/x', 'webhook refused: the URL must use https'],
  [
    'localhost',
    'https://localhost:PORT/x',
    'webhook refused: the URL must not name the local machine',
  ],
  [
    'sub-localhost',
    'https://hooks.localhost:PORT/x',
    'webhook refused: the URL must not name the local machine',
  ],
  [
    'rebind',
    'https://rebind.test:PORT/x',
    'webhook refused: rebind.test resolves to a loopback address',
  ],
  ['v6-name', 'https://v6.test:PORT/x', 'webhook refused: v6.test resolves to a loopback address'],
  [
    'mapped-name',
    'https://mapped.test:PORT/x',
    'webhook refused: mapped.test resolves to a loopback address',
  ],
  [
    'private-name',
    'https://intranet.test/x',
    'webhook refused: intranet.test resolves to a private address',
  ],
  [
    'metadata-name',
    'https://metadata.test/latest/meta-data/',
    'webhook refused: metadata.test resolves to a linkLocal address',
  ],
];

beforeAll(async () => {
  hooks = await startWebhookReceiver({});
  port = hooks.port;
  h = await startHarness({
    allowPrivateNetwork: false,
    settings: {
      approval: { required_for: [] },
      // Stored directly, as settings saved before the save-time check would be.
      automations: Object.fromEntries(
        refused.map(([name, url]) => [name, url.replace('PORT', String(port))]),
      ),
    },
    deps: {
      outbound: createOutboundHttp({
        allowPrivateNetwork: false,
        timeoutMs: 10_000,
        maxResponseBytes: WEBHOOK_MAX_RESPONSE_BYTES,
        // No real DNS: the machine's resolver is not on loopback.
        resolve: async (name) => FAKE_DNS[name] ?? [],
      }),
    },
  });
});
afterAll(async () => {
  await h?.close();
  await hooks?.close();
});

describe('webhooks with private networks refused (ERRAND_ALLOW_PRIVATE_NETWORK=false)', () => {
  it.each(refused)(
    'fails the step at once for %s (%s) before any connection',
    async (automation, _url, message) => {
      const connections = hooks.connections();
      const res = await h.api('POST', '/v1/plans', {
        intent: 'automate',
        actions: [{ type: 'trigger_automation', params: { automation } }],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const handle = h.client.workflow.getHandle(res.body.workflow_id);
      const state = (await handle.result()) as PlanState;
      expect(state.status).toBe('failed');
      expect(state.error).toMatchObject({ step: 0, type: 'WebhookRefusedError', message });
      const history = await handle.fetchHistory();
      expect(
        history.events!.flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? []),
      ).toEqual([1]);
      expect(hooks.connections()).toBe(connections);
      expect(hooks.received).toHaveLength(0);
      expect((await h.api('GET', `/v1/outbox?plan_id=${res.body.plan_id}`)).body.data).toEqual([]);
    },
  );
});

describe('saving webhook URLs (PUT /v1/settings)', () => {
  it('refuses URLs that are not https or name refused addresses, naming each automation', async () => {
    const t = await h.newTenant();
    const as = { 'x-errand-tenant': t.id };
    const res = await h.api(
      'PUT',
      '/v1/settings',
      {
        automations: {
          fine: 'https://hooks.example.com/x',
          plain: 'http://hooks.example.com/x',
          loop: 'https://127.0.0.1:8443/x',
          meta: 'https://169.254.169.254/latest/meta-data/',
          intranet: 'https://10.1.2.3/x',
          v6: 'https://[::1]/x',
          local: 'https://localhost/x',
          creds: 'https://user:pw@hooks.example.com/x',
          ssh: 'https://hooks.example.com:22/x',
        },
      },
      as,
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request' });
    expect(res.body.error.details).toEqual([
      { path: 'automations.plain', message: 'must use https' },
      { path: 'automations.loop', message: 'must not name a loopback address' },
      { path: 'automations.meta', message: 'must not name a linkLocal address' },
      { path: 'automations.intranet', message: 'must not name a private address' },
      { path: 'automations.v6', message: 'must not name a loopback address' },
      { path: 'automations.local', message: 'must not name the local machine' },
      { path: 'automations.creds', message: 'must not carry credentials' },
      { path: 'automations.ssh', message: 'must not use port 22 (use 443, 80 or 1024-65535)' },
    ]);
    expect((await h.api('GET', '/v1/settings', undefined, as)).body.automations).toEqual({});

    const ok = await h.api(
      'PUT',
      '/v1/settings',
      { automations: { fine: 'https://hooks.example.com/x' } },
      as,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.automations).toEqual({ fine: 'https://hooks.example.com/x' });
  });
});
