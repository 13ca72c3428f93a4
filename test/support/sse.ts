/** One Server-Sent Event as a client sees it. */
export interface SseEvent {
  id?: string;
  event: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever JSON the server sent; each test reads what it expects
  data: any;
}

export interface SseRead {
  status: number;
  events: SseEvent[];
  /** Comment lines (heartbeats) seen. */
  comments: number;
  /** True when the server ended the stream, false when the reader stopped it. */
  ended: boolean;
}

/**
 * Reads an event stream until the server ends it, `stopWhen` says so, or
 * `timeoutMs` passes; runs `onEvent` for each event as it arrives.
 */
export async function readSse(
  url: string,
  headers: Record<string, string>,
  options: {
    timeoutMs?: number;
    stopWhen?: (events: SseEvent[]) => boolean;
    onEvent?: (event: SseEvent) => Promise<void> | void;
    /** A POST (or other method) with this body, instead of a GET. */
    request?: { method: string; body: string };
  } = {},
): Promise<SseRead> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? 20_000);
  const res = await fetch(url, { headers, signal: abort.signal, ...options.request });
  const events: SseEvent[] = [];
  let comments = 0;
  let ended = false;
  if (res.status !== 200 || !res.body) {
    clearTimeout(timer);
    return { status: res.status, events, comments, ended: true };
  }
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let at: number;
      while ((at = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const e: Partial<SseEvent> & { lines: string[] } = { lines: [] };
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) comments += 1;
          else if (line.startsWith('id: ')) e.id = line.slice(4);
          else if (line.startsWith('event: ')) e.event = line.slice(7);
          else if (line.startsWith('data: ')) e.lines.push(line.slice(6));
        }
        if (!e.event) continue;
        const event = { id: e.id, event: e.event, data: JSON.parse(e.lines.join('\n')) };
        events.push(event);
        await options.onEvent?.(event);
        if (options.stopWhen?.(events)) {
          abort.abort();
          return { status: 200, events, comments, ended: false };
        }
      }
    }
    ended = true;
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
  }
  return { status: 200, events, comments, ended };
}
