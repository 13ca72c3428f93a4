import { Writable } from 'node:stream';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { describe, expect, it } from 'vitest';
import { REDACTED_HEADERS } from '../../src/clients';

describe('the access log', () => {
  it('never writes a credential header', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pinoHttp({ logger: pino({ redact: REDACTED_HEADERS }, sink) });
    const req = {
      method: 'GET',
      url: '/v1/plans',
      headers: { authorization: 'Bearer ek_secret', cookie: 'sid=secret', host: 'x' },
      socket: {},
    };
    const res = Object.assign(new (await import('node:events')).EventEmitter(), {
      statusCode: 200,
      getHeaders: () => ({}),
      setHeader: () => undefined,
    });
    log(req as never, res as never);
    res.emit('finish');
    expect(lines.length).toBe(1);
    expect(lines[0]).not.toContain('secret');
    expect(JSON.parse(lines[0]!).req.headers).toMatchObject({
      authorization: '[Redacted]',
      cookie: '[Redacted]',
      host: 'x',
    });
  });
});
