import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { admission } from '../../src/api/admission';
import { errorHandler } from '../../src/api/http-error';

describe('admission', () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  async function serve(maxInFlight: number) {
    const gate = admission({ maxInFlight });
    const held: (() => void)[] = [];
    const app = express();
    app.use(gate.handler);
    app.get('/hold', (_req, res) => {
      held.push(() => res.json({ ok: true }));
    });
    app.get('/fast', (_req, res) => res.json({ ok: true }));
    app.use(errorHandler(pino({ level: 'silent' })));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    closers.push(() => server.close());
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { gate, held, base };
  }

  it('refuses requests past the limit at once with 503 overloaded and Retry-After', async () => {
    const { gate, held, base } = await serve(2);
    const first = fetch(`${base}/hold`);
    const second = fetch(`${base}/hold`);
    await expect.poll(() => held.length).toBe(2);
    const refused = await fetch(`${base}/fast`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('overloaded');
    expect(gate.inFlight()).toBe(2);

    held.shift()!();
    expect((await first).status).toBe(200);
    await expect.poll(() => gate.inFlight()).toBe(1);
    expect((await fetch(`${base}/fast`)).status).toBe(200);
    held.shift()!();
    expect((await second).status).toBe(200);
    await expect.poll(() => gate.inFlight()).toBe(0);
  });

  it('frees the place of a request whose client went away', async () => {
    const { gate, held, base } = await serve(1);
    const aborted = new AbortController();
    const gone = fetch(`${base}/hold`, { signal: aborted.signal }).catch(() => 'aborted');
    await expect.poll(() => held.length).toBe(1);
    aborted.abort();
    expect(await gone).toBe('aborted');
    await expect.poll(() => gate.inFlight()).toBe(0);
    expect((await fetch(`${base}/fast`)).status).toBe(200);
  });
});
