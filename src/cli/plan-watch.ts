import {
  apiFailure,
  CliFailure,
  headersOf,
  readCapped,
  unreachable,
  urlOf,
  type ApiTarget,
} from './api-client';
import { EXIT, type ExitCode } from './exit-codes';
import { eventLine, watchHeader, type PlanEventLike, type PlanViewLike } from './plan-format';
import { readSseStream } from './sse-reader';

export const WATCH_LIMITS = {
  /** Reconnects in a row that get no event before the watch gives up. */
  maxReconnects: 6,
  /** The wait before the first reconnect; each next one waits twice as long, up to maxBackoffMs. */
  firstBackoffMs: 500,
  maxBackoffMs: 15_000,
  /** How long a connection may take to answer. */
  connectTimeoutMs: 30_000,
  /** Silence after which a connection counts as dropped: the API sends a heartbeat every 15 s. */
  idleTimeoutMs: 45_000,
  /** A connection that stayed up this long was healthy: the reconnect count starts again. */
  stableMs: 60_000,
};

export interface WatchOptions {
  json: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
  limits?: Partial<typeof WATCH_LIMITS>;
  /** A monotonic clock in ms; injectable so tests never read the wall clock. */
  monotonic?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const ENDINGS: Record<string, ExitCode> = {
  plan_completed: EXIT.ok,
  plan_failed: EXIT.planNotCompleted,
  plan_rejected: EXIT.planNotCompleted,
  plan_expired: EXIT.planNotCompleted,
  plan_cancelled: EXIT.planNotCompleted,
};

/**
 * Follows GET /v1/plans/:id/stream: prints the plan's state, then each event
 * as it comes, until the plan ends. A dropped or silent connection is resumed
 * with Last-Event-ID, so no event is printed twice or missed; reconnects back
 * off and are bounded. Answers EXIT.ok when the plan completes,
 * EXIT.planNotCompleted when it ends otherwise, EXIT.interrupted on Ctrl-C.
 */
export async function watchPlan(
  target: ApiTarget,
  planId: string,
  options: WatchOptions,
): Promise<ExitCode> {
  const limits = { ...WATCH_LIMITS, ...options.limits };
  const monotonic = options.monotonic ?? (() => performance.now());
  const sleep = options.sleep ?? abortableSleep;
  const url = urlOf(target.base, `/v1/plans/${encodeURIComponent(planId)}/stream`);
  let lastId: string | undefined;
  let failures = 0;
  let why = '';

  for (;;) {
    if (target.signal?.aborted) return EXIT.interrupted;
    if (failures > 0) {
      if (failures > limits.maxReconnects) {
        throw new CliFailure(
          EXIT.failure,
          `gave up watching plan ${planId} after ${limits.maxReconnects} reconnects: ${why}`,
        );
      }
      const wait = Math.min(limits.firstBackoffMs * 2 ** (failures - 1), limits.maxBackoffMs);
      options.err(
        `connection lost (${why}); reconnecting in ${wait} ms (${failures}/${limits.maxReconnects})`,
      );
      await sleep(wait, target.signal);
      if (target.signal?.aborted) return EXIT.interrupted;
    }

    const connection = new AbortController();
    const signals = [connection.signal, target.signal].filter((s): s is AbortSignal => !!s);
    const connectTimer = setTimeout(() => connection.abort(), limits.connectTimeoutMs);
    const connectedAt = monotonic();
    let res: Response;
    try {
      res = await target.fetch(url, {
        headers: headersOf(target.key, {
          accept: 'text/event-stream',
          ...(lastId !== undefined ? { 'last-event-id': lastId } : {}),
        }),
        signal: AbortSignal.any(signals),
      });
    } catch (err) {
      clearTimeout(connectTimer);
      const failure = unreachable(target, err, connection.signal.aborted);
      if (failure.exit === EXIT.interrupted) return EXIT.interrupted;
      why = failure.message;
      failures += 1;
      continue;
    }
    clearTimeout(connectTimer);

    if (res.status !== 200 || !res.body) {
      const text = await readCapped(res, 64 * 1024).catch(() => '');
      let body: unknown = {};
      try {
        body = JSON.parse(text);
      } catch {
        body = { error: { code: 'unreadable', message: text.slice(0, 200) } };
      }
      // Overloaded or restarting: worth another try. Anything else will not change by itself.
      if (res.status === 429 || res.status >= 500) {
        why = `the API answered ${res.status}`;
        failures += 1;
        continue;
      }
      throw apiFailure(res.status, body);
    }

    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => connection.abort(), limits.idleTimeoutMs);
    };
    touch();
    let sawEvent = false;
    try {
      for await (const message of readSseStream(touching(res.body, touch))) {
        if (message.id !== undefined) lastId = message.id;
        let data: unknown;
        try {
          data = JSON.parse(message.data);
        } catch {
          continue;
        }
        sawEvent = true;
        if (options.json) {
          options.out(JSON.stringify({ event: message.event, id: message.id ?? null, data }));
        } else if (message.event === 'state') {
          options.out(watchHeader(data as PlanViewLike));
        } else {
          options.out(eventLine(data as PlanEventLike));
        }
        const ending =
          message.event === 'state'
            ? ENDINGS[`plan_${(data as PlanViewLike).status}`]
            : ENDINGS[message.event];
        if (ending !== undefined) {
          const status =
            message.event === 'state'
              ? (data as PlanViewLike).status
              : message.event.slice('plan_'.length);
          if (!options.json) options.out(`plan ${planId} ended: ${status}`);
          return ending;
        }
      }
      why = 'the API ended the stream';
    } catch (err) {
      if (target.signal?.aborted) return EXIT.interrupted;
      why = connection.signal.aborted
        ? `nothing heard for ${limits.idleTimeoutMs / 1000} s`
        : `the stream broke: ${(err as Error).message}`;
    } finally {
      clearTimeout(idle);
      connection.abort();
    }
    // A connection that brought events or stayed up a while was healthy: count again from zero.
    failures = sawEvent || monotonic() - connectedAt >= limits.stableMs ? 1 : failures + 1;
  }
}

/** The body's chunks, calling `touch` on each: any byte, heartbeats too, proves the connection alive. */
async function* touching(body: AsyncIterable<Uint8Array>, touch: () => void) {
  for await (const chunk of body) {
    touch();
    yield chunk;
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
