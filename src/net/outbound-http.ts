import http from 'node:http';
import https from 'node:https';
import type { NetworkPolicy } from './address-policy';
import { guardedLookup, systemResolver, type Resolver } from './guarded-lookup';
import { OutboundRequestError } from './outbound-request-error';
import { outboundUrlProblem, urlHost } from './url-policy';

export interface OutboundHttpConfig extends NetworkPolicy {
  /** The whole request, from DNS to the last byte of the answer. */
  timeoutMs: number;
  /** An answer longer than this fails with `too_large`; reading stops there. */
  maxResponseBytes: number;
  /** Tests resolve names their own way; the default is the system resolver. */
  resolve?: Resolver;
}

export interface OutboundResponse {
  status: number;
  /** The answer decoded as UTF-8 (bad sequences become U+FFFD); never longer than the cap. */
  body: string;
}

/** The one way Errand sends HTTP to addresses its tenants choose. */
export interface OutboundHttp {
  /**
   * POSTs `body` to `url` and returns the answer, whatever its status: 3xx
   * answers are returned as they are, never followed. Throws
   * OutboundRequestError when the policy refuses the URL or an address, or
   * when no whole answer within the caps arrives.
   */
  post(
    url: string,
    request: { headers: Record<string, string>; body: string },
  ): Promise<OutboundResponse>;
}

/**
 * Outbound HTTP behind the network policy: the URL is checked first, an IP
 * literal before any socket opens (node does not resolve literals), and every
 * address a name resolves to when the socket connects.
 *
 * @example
 * const outbound = createOutboundHttp({ allowPrivateNetwork: false, timeoutMs: 10_000, maxResponseBytes: 65_536 });
 * const { status, body } = await outbound.post('https://hooks.example.com/x', { headers: {}, body: '{}' });
 */
export function createOutboundHttp(config: OutboundHttpConfig): OutboundHttp {
  const lookup = guardedLookup(config, config.resolve ?? systemResolver);
  return {
    post(raw, request) {
      const problem = outboundUrlProblem(raw, config);
      if (problem) return Promise.reject(new OutboundRequestError('refused', `the URL ${problem}`));
      // An IP literal was checked just now and cannot change; a name is checked by
      // `lookup` as the socket connects.
      const url = new URL(raw);
      return send(url, urlHost(url), request, lookup, config);
    },
  };
}

/** GETs `url` under the same policy and caps as OutboundHttp's post; 3xx answers are returned, never followed. */
export type OutboundGet = (
  url: string,
  request: { headers: Record<string, string> },
) => Promise<OutboundResponse>;

/**
 * GET behind the network policy, for what Errand itself reads from addresses
 * its configuration names (a JWKS).
 */
export function createOutboundGet(config: OutboundHttpConfig): OutboundGet {
  const lookup = guardedLookup(config, config.resolve ?? systemResolver);
  return (raw, request) => {
    const problem = outboundUrlProblem(raw, config);
    if (problem) return Promise.reject(new OutboundRequestError('refused', `the URL ${problem}`));
    const url = new URL(raw);
    return send(url, urlHost(url), { ...request, method: 'GET' }, lookup, config);
  };
}

function send(
  url: URL,
  host: string,
  request: { headers: Record<string, string>; body?: string; method?: 'GET' | 'POST' },
  lookup: ReturnType<typeof guardedLookup>,
  config: OutboundHttpConfig,
): Promise<OutboundResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: OutboundRequestError | null, response?: OutboundResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(response!);
    };
    const req = (url.protocol === 'https:' ? https : http).request({
      protocol: url.protocol,
      hostname: host,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: request.method ?? 'POST',
      headers:
        request.body === undefined
          ? request.headers
          : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      lookup,
      // A fresh connection each time, so every request is looked up (and checked) again.
      agent: false,
    });
    const timer = setTimeout(
      () =>
        finish(
          new OutboundRequestError(
            'timeout',
            `gave no complete answer within ${config.timeoutMs} ms`,
          ),
        ),
      config.timeoutMs,
    );
    const tooLarge = () =>
      new OutboundRequestError(
        'too_large',
        `answered with more than ${config.maxResponseBytes} bytes`,
      );
    req.on('error', (error) => finish(asOutboundError(error)));
    req.on('response', (res) => {
      if (Number(res.headers['content-length'] ?? 0) > config.maxResponseBytes) {
        finish(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > config.maxResponseBytes) finish(tooLarge());
        else chunks.push(chunk);
      });
      res.on('end', () =>
        finish(null, { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', (error) => finish(asOutboundError(error)));
      res.on('aborted', () =>
        finish(new OutboundRequestError('network', 'closed the connection mid-answer')),
      );
    });
    req.end(request.body);
  });
}

/** Errand's own words for a failure: the code, never the peer's text or the address. */
function asOutboundError(error: unknown): OutboundRequestError {
  if (error instanceof OutboundRequestError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new OutboundRequestError(
    'network',
    `could not be reached (${code ?? 'connection failed'})`,
  );
}
