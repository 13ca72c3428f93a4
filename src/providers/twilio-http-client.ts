import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import type { OutboundHttp } from '../net/outbound-http';
import { TWILIO_API_ORIGIN } from './twilio-config';

type TwilioRequest<T> = RequestClient.RequestOptions<T>;

/**
 * The twilio client's HTTP client (its `httpClient` option), sending through
 * Errand's guarded outbound client instead of its own axios: the network
 * policy at connect time, no redirects, a capped answer and a time limit.
 * Requests for api.twilio.com go to `baseUrl` instead, which is how a
 * connection points the official client at another host.
 *
 * Only POST is sent: Errand creates messages and calls and reads nothing back.
 */
export class GuardedTwilioHttpClient extends twilio.RequestClient {
  readonly #outbound: OutboundHttp;
  readonly #baseUrl: string;

  constructor(outbound: OutboundHttp, baseUrl: string) {
    // keepAlive off: the parent's agent is never used, and must not hold sockets open.
    super({ keepAlive: false });
    this.#outbound = outbound;
    this.#baseUrl = baseUrl.replace(/\/$/, '');
  }

  override async request<T>(opts: TwilioRequest<T>): Promise<Response<T>> {
    const method = (opts.method ?? '').toUpperCase();
    if (method !== 'POST' || !opts.uri) {
      throw new Error(`Errand's Twilio client sends only POST requests, not ${method}`);
    }
    const uri = new URL(opts.uri);
    const url = `${uri.origin === TWILIO_API_ORIGIN ? this.#baseUrl : uri.origin}${uri.pathname}${uri.search}`;
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries((opts.data ?? {}) as Record<string, unknown>)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (v !== undefined && v !== null) form.append(name, String(v));
      }
    }
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string>) };
    headers.Connection = 'close';
    if (opts.username && opts.password) {
      headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    }
    const answer = await this.#outbound.post(url, { headers, body: form.toString() });
    // The SDK parses the body itself (JSON.parse on success, RestException on an error).
    return { statusCode: answer.status, body: answer.body, headers: {} } as unknown as Response<T>;
  }
}
