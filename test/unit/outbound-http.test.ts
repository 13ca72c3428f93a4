import { createServer, type Server } from 'node:http';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedLookup } from '../../src/net/guarded-lookup';
import { createOutboundHttp, type OutboundHttpConfig } from '../../src/net/outbound-http';
import { OutboundRequestError } from '../../src/net/outbound-request-error';

// Only loopback: a refusal that failed would reach this server, never another machine.
let server: Server;
let port: number;
let connections = 0;
const paths: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    paths.push(req.url!);
    req.resume();
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/target` }).end();
    } else if (req.url === '/declared-big') {
      res.writeHead(200, { 'content-length': String(1_000_000) }).end('x'.repeat(1_000_000));
    } else if (req.url === '/streamed-big') {
      res.writeHead(200);
      const chunk = 'x'.repeat(16 * 1024);
      for (let i = 0; i < 64; i++) res.write(chunk);
      res.end();
    } else if (req.url === '/slow') {
      setTimeout(() => res.end('late'), 1500).unref();
    } else res.end(`answer to ${req.method} ${req.url} with ${req.headers['x-test']}`);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const request = { headers: { 'x-test': 'yes' }, body: '{}' };

function outbound(config: Partial<OutboundHttpConfig> = {}) {
  return createOutboundHttp({
    allowPrivateNetwork: false,
    timeoutMs: 5000,
    maxResponseBytes: 64 * 1024,
    resolve: async () => {
      throw new Error('no real DNS in tests');
    },
    ...config,
  });
}

async function failure(promise: Promise<unknown>): Promise<OutboundRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OutboundRequestError);
  return error as OutboundRequestError;
}

/** Expects `run` to be refused without a socket reaching the server. */
async function refusedBeforeConnecting(run: () => Promise<unknown>): Promise<string> {
  const before = connections;
  const error = await failure(run());
  expect(error.failure).toBe('refused');
  expect(error.retryable).toBe(false);
  expect(connections).toBe(before);
  return error.message;
}

describe('outbound HTTP with private networks refused', () => {
  it.each([
    'https://127.0.0.1:PORT/x',
    'https://[::1]:PORT/x',
    'https://[::ffff:127.0.0.1]:PORT/x',
    'https://2130706433:PORT/x',
    'https://localhost:PORT/x',
    'http://example.com:PORT/x',
  ])('refuses %s before connecting', async (url) => {
    await refusedBeforeConnecting(() =>
      outbound().post(url.replace('PORT', String(port)), request),
    );
  });

  it('refuses a name that resolves to a loopback address when it connects', async () => {
    const rebinding = outbound({ resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    const message = await refusedBeforeConnecting(() =>
      rebinding.post(`https://hooks.example.test:${port}/x`, request),
    );
    expect(message).toBe('hooks.example.test resolves to a loopback address');
  });

  it('resolves the name again on every request, so a later answer cannot slip through', async () => {
    const answers: LookupAddress[][] = [
      [{ address: '127.0.0.1', family: 4 }],
      [{ address: '::ffff:127.0.0.1', family: 6 }],
    ];
    const rebinding = outbound({ resolve: async () => answers.shift() ?? [] });
    for (let i = 0; i < 2; i++) {
      await refusedBeforeConnecting(() => rebinding.post(`https://rebind.test:${port}/`, request));
    }
  });
});

describe('guardedLookup', () => {
  const lookupOf = (addresses: LookupAddress[], allowPrivateNetwork = false) =>
    guardedLookup({ allowPrivateNetwork }, async () => addresses);
  const call = (lookup: ReturnType<typeof lookupOf>, options: object) =>
    new Promise<{ error: Error | null; address: unknown; family?: number }>((resolve) =>
      lookup('h.test', options, (error, address, family) => resolve({ error, address, family })),
    );

  it('refuses a host when any of its addresses is refused', async () => {
    const { error } = await call(
      lookupOf([
        { address: '8.8.8.8', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ]),
      { all: true },
    );
    expect(error).toMatchObject({
      failure: 'refused',
      message: 'h.test resolves to a linkLocal address',
    });
  });

  it('answers one address or all of them, of the family asked for', async () => {
    const lookup = lookupOf([
      { address: '2606:4700:4700::1111', family: 6 },
      { address: '8.8.8.8', family: 4 },
    ]);
    expect(await call(lookup, {})).toEqual({
      error: null,
      address: '2606:4700:4700::1111',
      family: 6,
    });
    expect(await call(lookup, { family: 4 })).toEqual({
      error: null,
      address: '8.8.8.8',
      family: 4,
    });
    expect(await call(lookup, { all: true, family: 6 })).toMatchObject({
      error: null,
      address: [{ address: '2606:4700:4700::1111', family: 6 }],
    });
    expect((await call(lookupOf([]), {})).error).toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('outbound HTTP with private networks allowed (development)', () => {
  // Names resolve here, never through the machine's DNS server (not on loopback).
  const dev = (config: Partial<OutboundHttpConfig> = {}) =>
    outbound({
      allowPrivateNetwork: true,
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
      ...config,
    });

  it('POSTs and returns the answer', async () => {
    expect(await dev().post(`http://127.0.0.1:${port}/hello?x=1`, request)).toEqual({
      status: 200,
      body: 'answer to POST /hello?x=1 with yes',
    });
  });

  it('returns a redirect as it is and never follows it', async () => {
    const before = paths.length;
    expect(await dev().post(`http://hooks.test:${port}/redirect`, request)).toMatchObject({
      status: 302,
    });
    expect(paths.slice(before)).toEqual(['/redirect']);
  });

  it.each(['/declared-big', '/streamed-big'])(
    'stops reading an answer over the cap (%s)',
    async (path) => {
      const error = await failure(dev().post(`http://127.0.0.1:${port}${path}`, request));
      expect(error).toMatchObject({
        failure: 'too_large',
        message: 'answered with more than 65536 bytes',
      });
      expect(error.retryable).toBe(false);
    },
  );

  it('gives up on an answer slower than the time cap, and calls that retryable', async () => {
    const started = Date.now();
    const error = await failure(
      dev({ timeoutMs: 300 }).post(`http://127.0.0.1:${port}/slow`, request),
    );
    expect(error).toMatchObject({
      failure: 'timeout',
      message: 'gave no complete answer within 300 ms',
    });
    expect(error.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(1400);
  });

  it('names a connection failure by its code, not the address', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const error = await failure(dev().post(`http://127.0.0.1:${closedPort}/`, request));
    expect(error).toMatchObject({
      failure: 'network',
      message: 'could not be reached (ECONNREFUSED)',
    });
    expect(error.retryable).toBe(true);
  });
});
