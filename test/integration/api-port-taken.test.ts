import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnApi } from '../support/api-process';

describe('the API on a port already taken', () => {
  const holder = createServer();
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it('exits with a message naming the port, rather than saying it runs', async () => {
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    const child = spawnApi(port, {}, 'pipe');
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(out).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(out).not.toContain('Errand API on');
  }, 30_000);
});
