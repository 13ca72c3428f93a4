import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as sent, for signature checks. */
  raw: string;
}

/** How a path answers its `nth` request (0 first); paths with none answer 200 `{"ok":true}`. */
export type Answer = (res: ServerResponse, nth: number) => void;

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` */
  base: string;
  port: number;
  received: ReceivedRequest[];
  /** TCP connections accepted so far, requests or not. */
  connections(): number;
  /** The requests to `path` since the receiver started. */
  to(path: string): ReceivedRequest[];
  close(): Promise<void>;
}

/** A loopback webhook receiver that records every request and answers per path; on `port`, or any free one. */
export async function startWebhookReceiver(
  answers: Record<string, Answer>,
  port = 0,
): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const path = req.url!;
      const nth = received.filter((r) => r.path === path).length;
      received.push({ path, headers: req.headers, raw });
      const answer = answers[path];
      if (answer) answer(res, nth);
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const bound = (server.address() as { port: number }).port;
  return {
    base: `http://127.0.0.1:${bound}`,
    port: bound,
    received,
    connections: () => connections,
    to: (path) => received.filter((r) => r.path === path),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
