import type { Request, Response } from 'express';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { HttpError } from '../../src/api/http-error';
import { keyRateLimit, type RequestCounter } from '../../src/api/key-rate-limit';

function memoryCounter(): RequestCounter & { windows: Map<string, number> } {
  const windows = new Map<string, number>();
  return {
    windows,
    async count(key, windowStart) {
      const id = `${key}@${windowStart.toISOString()}`;
      const n = (windows.get(id) ?? 0) + 1;
      windows.set(id, n);
      return n;
    },
    async forget() {},
  };
}

const keyPrincipal = (id: string) => ({
  kind: 'key',
  tenant: 't',
  role: 'admin',
  key_id: id,
  name: id,
});

async function call(
  handler: ReturnType<typeof keyRateLimit>,
  principal: unknown,
): Promise<{ error: unknown; headers: Record<string, string> }> {
  const headers: Record<string, string> = {};
  const res = {
    locals: { principal },
    set: (h: Record<string, string>) => Object.assign(headers, h),
  } as unknown as Response;
  const error = await new Promise((resolve) => {
    void handler({} as Request, res, resolve);
  });
  return { error, headers };
}

describe('keyRateLimit', () => {
  const start = Date.parse('2030-05-05T10:00:15Z');

  it('lets a key make its limit of requests a minute, then answers 429 with Retry-After until the window ends', async () => {
    let now = start;
    const limit = keyRateLimit({
      perMinute: 2,
      counter: memoryCounter(),
      now: () => new Date(now),
      logger: pino({ level: 'silent' }),
    });
    const a = keyPrincipal('a');
    const first = await call(limit, a);
    expect(first.error).toBeUndefined();
    expect(first.headers).toMatchObject({
      'ratelimit-limit': '2',
      'ratelimit-remaining': '1',
      'ratelimit-reset': '45',
    });
    expect((await call(limit, a)).error).toBeUndefined();
    const over = await call(limit, a);
    expect(over.error).toBeInstanceOf(HttpError);
    expect(over.error).toMatchObject({
      status: 429,
      code: 'request_rate_exceeded',
      headers: { 'retry-after': '45' },
    });
    expect(over.headers['ratelimit-remaining']).toBe('0');

    // Another key has its own count; the next minute starts afresh.
    expect((await call(limit, keyPrincipal('b'))).error).toBeUndefined();
    now = start + 45_000;
    expect((await call(limit, a)).error).toBeUndefined();
  });

  it('counts the operator key as one key', async () => {
    const counter = memoryCounter();
    const limit = keyRateLimit({
      perMinute: 5,
      counter,
      now: () => new Date(start),
      logger: pino({ level: 'silent' }),
    });
    await call(limit, { kind: 'operator', tenant: null, role: 'operator', key_id: null });
    expect([...counter.windows.keys()]).toEqual(['operator@2030-05-05T10:00:00.000Z']);
  });

  it('lets the request go on, and logs, when the count cannot be written', async () => {
    const logger = pino({ level: 'silent' });
    const warn = vi.spyOn(logger, 'warn');
    const limit = keyRateLimit({
      perMinute: 1,
      counter: {
        count: () => Promise.reject(new Error('connection refused')),
        forget: async () => {},
      },
      now: () => new Date(start),
      logger,
    });
    const answer = await call(limit, keyPrincipal('a'));
    expect(answer.error).toBeUndefined();
    expect(answer.headers).toEqual({});
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ rate_limit_key: 'key:a' }),
      expect.stringContaining('could not be written'),
    );
  });
});
