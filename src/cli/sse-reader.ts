/** One Server-Sent Event. */
export interface SseMessage {
  event: string;
  /** The id the event carried, if it did (the stream's Last-Event-ID from then on). */
  id?: string;
  data: string;
}

/** No event the API sends comes near this; a longer one means the stream is not what it should be. */
export const MAX_EVENT_BYTES = 1024 * 1024;

/**
 * The events of a text/event-stream body, as the WHATWG parsing rules read
 * them: lines end in LF, CRLF or CR; `:` lines are comments; a blank line
 * dispatches; `data` lines join with LF. `onRetry` gets a `retry:` hint.
 */
export async function* readSseStream(
  body: AsyncIterable<Uint8Array>,
  onRetry?: (ms: number) => void,
): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let id: string | undefined;
  let data: string[] = [];
  let size = 0;

  const line = (text: string): SseMessage | undefined => {
    if (text === '') {
      const message = data.length
        ? { event: event || 'message', id, data: data.join('\n') }
        : undefined;
      event = '';
      id = undefined;
      data = [];
      size = 0;
      return message;
    }
    if (text.startsWith(':')) return undefined;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    size += value.length;
    if (size > MAX_EVENT_BYTES)
      throw new Error(`an event of the stream is over ${MAX_EVENT_BYTES} bytes`);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) onRetry?.(Number(value));
    return undefined;
  };

  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    if (buffer.length > MAX_EVENT_BYTES * 2) throw new Error('the stream sent a line too long');
    let at: number;
    while ((at = buffer.search(/\r\n|\r|\n/)) >= 0) {
      // A CR at the very end may be half of a CRLF still on its way.
      if (buffer[at] === '\r' && at === buffer.length - 1) break;
      const text = buffer.slice(0, at);
      buffer = buffer.slice(at + (buffer.startsWith('\r\n', at) ? 2 : 1));
      const message = line(text);
      if (message) yield message;
    }
  }
}
