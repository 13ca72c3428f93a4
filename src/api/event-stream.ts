import type { Response } from 'express';

export interface EventStreamLimits {
  /** A comment line this often keeps proxies from closing a quiet stream. */
  heartbeatMs: number;
  /** Read this often even without a notification: the feed may be reconnecting. */
  pollMs: number;
  /** A stream ends after this long; the client resumes with Last-Event-ID. */
  maxLifetimeMs: number;
  /** Unsent bytes a slow client may hold before its stream is ended (it resumes later). */
  maxBufferedBytes: number;
}

export interface EventStream {
  send(event: string, id: string | null, data: unknown): void;
  end(): void;
  isEnded(): boolean;
  /**
   * Runs `read` now, on every wake from `subscribe` and every pollMs, one
   * read at a time (a wake during a read reads again after it), until the
   * stream ends. A failed read is logged and retried by the next wake.
   */
  follow(read: () => Promise<void>, subscribe?: (wake: () => void) => () => void): Promise<void>;
}

/**
 * Answers `res` with Server-Sent Events: the headers, a retry hint,
 * heartbeats, a lifetime, a cap on what a slow client may hold, and an end
 * when the client goes or the server shuts down. The stream leaves the API's
 * in-flight admission count, since it stays open for minutes.
 */
export function openEventStream(
  res: Response,
  options: { limits: EventStreamLimits; shutdown?: AbortSignal; onEnd?: () => void },
): EventStream {
  const { limits } = options;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  (res.locals.leaveAdmission as (() => void) | undefined)?.();
  res.write('retry: 2000\n\n');

  let ended = false;
  const timers: NodeJS.Timeout[] = [];
  const cleanups: (() => void)[] = [];
  const end = () => {
    if (ended) return;
    ended = true;
    timers.forEach(clearInterval);
    cleanups.forEach((fn) => fn());
    options.shutdown?.removeEventListener('abort', end);
    options.onEnd?.();
    res.end();
  };
  res.on('close', end);
  options.shutdown?.addEventListener('abort', end, { once: true });
  timers.push(
    setInterval(() => !ended && res.write(': keep-alive\n\n'), limits.heartbeatMs),
    setTimeout(end, limits.maxLifetimeMs),
  );

  const send: EventStream['send'] = (event, id, data) => {
    if (ended) return;
    res.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (res.writableLength > limits.maxBufferedBytes) end();
  };

  return {
    send,
    end,
    isEnded: () => ended,
    async follow(read, subscribe) {
      let reading = false;
      let again = false;
      const wake = async (): Promise<void> => {
        if (ended) return;
        if (reading) {
          again = true;
          return;
        }
        reading = true;
        try {
          do {
            again = false;
            await read();
          } while (again && !ended);
        } catch (err) {
          res.req.log?.warn({ err }, 'event stream could not read; will read again');
        } finally {
          reading = false;
        }
      };
      if (subscribe) cleanups.push(subscribe(() => void wake()));
      timers.push(setInterval(() => void wake(), limits.pollMs));
      await wake();
    },
  };
}
