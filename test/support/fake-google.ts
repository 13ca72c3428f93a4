import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** One request the fake received. */
export interface GoogleRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Json;
  raw: string;
}

/** An answer to give instead of the real one: a status, Google's error body, headers. */
export interface GoogleAnswer {
  status: number;
  body?: Json;
  headers?: Record<string, string>;
}

export interface FakeGoogle {
  /** The root every stand-in lives under: token endpoint at /token, consent page at /auth, APIs at the root. */
  baseUrl: string;
  received: GoogleRequest[];
  /** Calendar events by id, as the fake stores them. */
  events: Map<string, Json>;
  /** The calendar id each event is on. */
  calendarOf: Map<string, string>;
  /** Gmail messages sent, as their raw MIME. */
  sent: string[];
  /** A code the consent page would hand back to `account`, granting these scopes (and a fresh refresh token). */
  issueCode(scopes: string[], account?: string): string;
  /** The next requests whose `METHOD path body` matches get these answers, in turn. */
  script(match: RegExp, ...answers: GoogleAnswer[]): void;
  /** Every access token given so far stops working (as if revoked or expired early). */
  expireAccessTokens(): void;
  /** A refresh token stops working: the token endpoint answers invalid_grant. */
  revoke(refreshToken: string): void;
  refreshTokens(): string[];
  close(): Promise<void>;
}

const token = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

const apiError = (status: number, message: string, reason: string): GoogleAnswer => ({
  status,
  body: { error: { code: status, message, errors: [{ domain: 'global', reason, message }] } },
});

/**
 * A loopback server speaking Google's wire formats, for the real googleapis
 * client: the OAuth token endpoint (authorization_code and refresh_token
 * grants, `{"error":"invalid_grant"}`), Calendar v3 events insert, get,
 * list (timeMin, timeMax, q), patch and delete and freeBusy, each calendar
 * id its own calendar, and Gmail's users.messages.send.
 * API calls need a bearer token the token endpoint gave and that is still good.
 */
export async function startFakeGoogle(): Promise<FakeGoogle> {
  const received: GoogleRequest[] = [];
  const events = new Map<string, Json>();
  const calendarOf = new Map<string, string>();
  const sent: string[] = [];
  const codes = new Map<string, { scopes: string[]; account: string }>();
  const grants = new Map<string, { scopes: string[]; account: string; revoked: boolean }>();
  const accessTokens = new Set<string>();
  const scripted: { match: RegExp; answers: GoogleAnswer[] }[] = [];

  const grantToken = (refreshToken: string) => {
    const access = token('ya29.');
    accessTokens.add(access);
    return {
      access_token: access,
      expires_in: 3599,
      token_type: 'Bearer',
      scope: grants.get(refreshToken)!.scopes.join(' '),
    };
  };

  const tokenEndpoint = (form: URLSearchParams): GoogleAnswer => {
    const invalidGrant = (description: string): GoogleAnswer => ({
      status: 400,
      body: { error: 'invalid_grant', error_description: description },
    });
    if (form.get('client_id') !== 'test-client-id' || form.get('client_secret') !== 'test-secret') {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Unauthorized' } };
    }
    if (form.get('grant_type') === 'authorization_code') {
      const issued = codes.get(form.get('code') ?? '');
      if (!issued) return invalidGrant('Malformed auth code.');
      codes.delete(form.get('code')!);
      // include_granted_scopes: a new grant covers what the account's earlier ones did too.
      const refreshToken = token('1//');
      const earlier = [...grants.values()].flatMap((g) =>
        g.revoked || g.account !== issued.account ? [] : g.scopes,
      );
      grants.set(refreshToken, {
        scopes: [...new Set([...earlier, ...issued.scopes])],
        account: issued.account,
        revoked: false,
      });
      return { status: 200, body: { ...grantToken(refreshToken), refresh_token: refreshToken } };
    }
    if (form.get('grant_type') === 'refresh_token') {
      const grant = grants.get(form.get('refresh_token') ?? '');
      if (!grant || grant.revoked) return invalidGrant('Token has been expired or revoked.');
      return { status: 200, body: grantToken(form.get('refresh_token')!) };
    }
    return { status: 400, body: { error: 'unsupported_grant_type' } };
  };

  const calendarApi = (method: string, path: string, query: URLSearchParams, body: Json) => {
    const eventPath = path.match(/^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/);
    if (method === 'POST' && path === '/calendar/v3/freeBusy') {
      const from = Date.parse(body.timeMin);
      const to = Date.parse(body.timeMax);
      const busyOf = (calendarId: string) =>
        [...events.values()]
          .filter((e) => calendarOf.get(e.id) === calendarId && e.status !== 'cancelled')
          .filter((e) => Date.parse(e.start.dateTime) < to && Date.parse(e.end.dateTime) > from)
          .map((e) => ({ start: e.start.dateTime, end: e.end.dateTime }));
      const calendars = Object.fromEntries(
        (body.items as { id: string }[]).map((i) => [i.id, { busy: busyOf(i.id) }]),
      );
      return { status: 200, body: { kind: 'calendar#freeBusy', calendars } };
    }
    if (!eventPath) return apiError(404, 'Not Found', 'notFound');
    const calendarId = decodeURIComponent(eventPath[1]!);
    const id = eventPath[2] && decodeURIComponent(eventPath[2]);
    if (method === 'POST' && !id) {
      if (!body.summary) return apiError(400, 'Missing summary.', 'required');
      if (Date.parse(body.end.dateTime) <= Date.parse(body.start.dateTime)) {
        return apiError(400, 'The specified time range is empty.', 'timeRangeEmpty');
      }
      if (body.id && !/^[a-v0-9]{5,1024}$/.test(body.id)) {
        return apiError(400, 'Invalid resource id value.', 'invalid');
      }
      if (body.id && events.has(body.id)) {
        return apiError(409, 'The requested identifier already exists.', 'duplicate');
      }
      const eventId = body.id ?? token('');
      const meet =
        query.get('conferenceDataVersion') === '1' && body.conferenceData?.createRequest
          ? `https://meet.google.com/${eventId.slice(0, 3)}-${eventId.slice(3, 7)}-${eventId.slice(7, 10)}`
          : undefined;
      const event = {
        kind: 'calendar#event',
        ...body,
        id: eventId,
        status: 'confirmed',
        created: new Date().toISOString(),
        htmlLink: `https://www.google.com/calendar/event?eid=${eventId}`,
        ...(meet
          ? {
              hangoutLink: meet,
              conferenceData: {
                ...body.conferenceData,
                entryPoints: [{ entryPointType: 'video', uri: meet }],
              },
            }
          : {}),
        sendUpdates: query.get('sendUpdates'),
      };
      events.set(eventId, event);
      calendarOf.set(eventId, calendarId);
      return { status: 200, body: event };
    }
    if (method === 'GET' && !id) {
      const timeMin = query.get('timeMin');
      const timeMax = query.get('timeMax');
      const q = query.get('q')?.toLowerCase();
      const items = [...events.values()]
        .filter((e) => calendarOf.get(e.id) === calendarId)
        .filter((e) => query.get('showDeleted') === 'true' || e.status !== 'cancelled')
        .filter((e) => !timeMin || Date.parse(e.end.dateTime) > Date.parse(timeMin))
        .filter((e) => !timeMax || Date.parse(e.start.dateTime) < Date.parse(timeMax))
        .filter(
          (e) =>
            !q ||
            String(e.summary ?? '')
              .toLowerCase()
              .includes(q),
        )
        .sort((a, b) => Date.parse(a.start.dateTime) - Date.parse(b.start.dateTime));
      return { status: 200, body: { kind: 'calendar#events', items } };
    }
    const event = id && calendarOf.get(id) === calendarId ? events.get(id) : undefined;
    if (!event) return apiError(404, 'Not Found', 'notFound');
    if (method === 'GET') return { status: 200, body: event };
    if (method === 'PATCH') {
      Object.assign(event, body, { sendUpdates: query.get('sendUpdates') });
      return { status: 200, body: event };
    }
    if (method === 'DELETE') {
      if (event.status === 'cancelled')
        return apiError(410, 'Resource has been deleted', 'deleted');
      event.status = 'cancelled';
      return { status: 204 };
    }
    return apiError(405, 'Method not allowed', 'notAllowed');
  };

  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      const isForm = (req.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
      const body = raw && !isForm ? JSON.parse(raw) : undefined;
      received.push({ method, path: url.pathname, query: url.searchParams, body, raw });
      const reply = (answer: GoogleAnswer) => {
        const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
        res.writeHead(answer.status, {
          ...(text ? { 'content-type': 'application/json; charset=UTF-8' } : {}),
          ...answer.headers,
        });
        res.end(text);
      };
      const line = `${method} ${url.pathname}`;
      const script = scripted.find((s) => s.match.test(`${line} ${raw}`) && s.answers.length > 0);
      if (script) return reply(script.answers.shift()!);
      if (line === 'POST /token') return reply(tokenEndpoint(new URLSearchParams(raw)));
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!accessTokens.has(bearer)) {
        return reply(apiError(401, 'Request had invalid authentication credentials.', 'authError'));
      }
      if (line === 'POST /gmail/v1/users/me/messages/send') {
        sent.push(Buffer.from(body.raw, 'base64url').toString('utf8'));
        return reply({
          status: 200,
          body: { id: token(''), threadId: token(''), labelIds: ['SENT'] },
        });
      }
      if (url.pathname.startsWith('/calendar/v3/')) {
        return reply(calendarApi(method, url.pathname, url.searchParams, body));
      }
      return reply(apiError(404, 'Not Found', 'notFound'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    events,
    calendarOf,
    sent,
    issueCode(scopes, account = 'default') {
      const code = token('4/');
      codes.set(code, { scopes, account });
      return code;
    },
    script(match, ...answers) {
      scripted.push({ match, answers });
    },
    expireAccessTokens() {
      accessTokens.clear();
    },
    revoke(refreshToken) {
      const grant = grants.get(refreshToken);
      if (grant) grant.revoked = true;
    },
    refreshTokens: () => [...grants.keys()],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
