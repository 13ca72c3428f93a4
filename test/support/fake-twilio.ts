import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/** One request Twilio's REST API received: which resource, the Basic credentials, the form fields. */
export interface TwilioRequest {
  at: number;
  resource: 'Messages' | 'Calls';
  accountSid: string;
  authorization: string | undefined;
  contentType: string | undefined;
  form: Record<string, string>;
}

/** An answer to give: 201 creates the resource; the others answer Twilio's error JSON. */
export interface TwilioAnswer {
  status: 201 | 400 | 401 | 429 | 500 | 503;
  code?: number;
  message?: string;
}

export interface FakeTwilio {
  baseUrl: string;
  received: TwilioRequest[];
  /** Answers the next requests with these, in turn; then 201. */
  script(...answers: TwilioAnswer[]): void;
  close(): Promise<void>;
}

const ERRORS: Record<number, { code: number; message: string }> = {
  400: { code: 21211, message: "The 'To' number +15005550001 is not a valid phone number." },
  401: { code: 20003, message: 'Authenticate' },
  429: { code: 20429, message: 'Too Many Requests' },
  500: { code: 20500, message: 'Internal Server Error' },
  503: { code: 20503, message: 'Service Unavailable' },
};

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/**
 * A loopback server speaking Twilio's 2010-04-01 REST wire format for
 * creating messages and calls: form-encoded POSTs to
 * /2010-04-01/Accounts/{AccountSid}/Messages.json or Calls.json under HTTP
 * Basic auth, answered 201 with the resource's JSON, or an error as
 * `{"code","message","more_info","status"}`.
 */
export async function startFakeTwilio(): Promise<FakeTwilio> {
  const received: TwilioRequest[] = [];
  const queue: TwilioAnswer[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/(Messages|Calls)\.json$/.exec(
        req.url ?? '',
      );
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || !match) {
        json(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
        return;
      }
      const [, accountSid, resource] = match as unknown as [string, string, 'Messages' | 'Calls'];
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      received.push({
        at: Date.now(),
        resource,
        accountSid,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        form,
      });
      const answer = queue.shift() ?? { status: 201 };
      if (answer.status !== 201) {
        const error = ERRORS[answer.status]!;
        const code = answer.code ?? error.code;
        json(answer.status, {
          code,
          message: answer.message ?? error.message,
          more_info: `https://www.twilio.com/docs/errors/${code}`,
          status: answer.status,
        });
        return;
      }
      const common = {
        account_sid: accountSid,
        to: form.To,
        from: form.From,
        status: 'queued',
        api_version: '2010-04-01',
        date_created: new Date().toUTCString(),
      };
      if (resource === 'Messages') {
        const id = sid('SM');
        json(201, {
          ...common,
          sid: id,
          body: form.Body,
          num_segments: '1',
          direction: 'outbound-api',
          uri: `/2010-04-01/Accounts/${accountSid}/Messages/${id}.json`,
        });
      } else {
        const id = sid('CA');
        json(201, {
          ...common,
          sid: id,
          direction: 'outbound-api',
          uri: `/2010-04-01/Accounts/${accountSid}/Calls/${id}.json`,
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    script: (...answers) => queue.push(...answers),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
