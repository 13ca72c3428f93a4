import { EXIT, exitCodeForStatus, type ExitCode } from './exit-codes';

/** Where and as whom the CLI calls the API. */
export interface ApiTarget {
  base: string;
  key: string | undefined;
  fetch: typeof fetch;
  /** Ends every request when aborted (Ctrl-C). */
  signal?: AbortSignal;
}

/** How long one request may take before the CLI gives up on it. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** The largest answer the CLI reads: a full page of plans fits many times over. */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** The API's error body: `{"error":{"code","message","details","request_id"}}`. */
export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    details?: { path: string; message: string }[];
    request_id?: string | null;
  };
}

/** A command that did not succeed: what to print, the exit code, and the API's body if it sent one. */
export class CliFailure extends Error {
  constructor(
    readonly exit: ExitCode,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export function urlOf(base: string, path: string, query: Query = {}): string {
  const url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url.toString();
}

export function headersOf(key: string | undefined, extra: Record<string, string> = {}) {
  return { ...(key ? { authorization: `Bearer ${key}` } : {}), ...extra };
}

/**
 * One API call. Answers the parsed JSON of a 2xx; throws a CliFailure with
 * the exit code of anything else (an API error, no answer in time, an answer
 * too large or not JSON).
 */
export async function apiRequest<T = Record<string, unknown>>(
  target: ApiTarget,
  method: string,
  path: string,
  options: { query?: Query; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const signal = target.signal ? AbortSignal.any([target.signal, timeout]) : timeout;
  let res: Response;
  let text: string;
  try {
    res = await target.fetch(urlOf(target.base, path, options.query), {
      method,
      headers: headersOf(
        target.key,
        options.body !== undefined ? { 'content-type': 'application/json' } : {},
      ),
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal,
    });
    text = await readCapped(res, MAX_ANSWER_BYTES);
  } catch (err) {
    throw unreachable(target, err, timeout.aborted);
  }
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new CliFailure(
      res.ok ? EXIT.failure : exitCodeForStatus(res.status),
      `the API answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`,
    );
  }
  if (!res.ok) throw apiFailure(res.status, body);
  return { status: res.status, body: body as T };
}

/** The failure of a request that got no usable answer. */
export function unreachable(target: ApiTarget, err: unknown, timedOut: boolean): CliFailure {
  if (err instanceof CliFailure) return err;
  if (target.signal?.aborted) return new CliFailure(EXIT.interrupted, 'interrupted');
  if (timedOut) {
    return new CliFailure(
      EXIT.failure,
      `the API at ${target.base} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`,
    );
  }
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return new CliFailure(
    EXIT.failure,
    `could not reach the API at ${target.base}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
  );
}

/** The failure for an API error answer, worded for a person. */
export function apiFailure(status: number, body: unknown): CliFailure {
  const error = (body as Partial<ApiErrorBody> | null)?.error;
  const what =
    status === 401 || status === 403
      ? 'refused'
      : status === 404
        ? 'not found'
        : status === 409 || status === 422
          ? 'not allowed now'
          : status === 400
            ? 'invalid request'
            : 'the API failed';
  const lines = [
    `${what} (${status}${error?.code ? ` ${error.code}` : ''}): ${error?.message ?? JSON.stringify(body).slice(0, 300)}`,
  ];
  for (const d of (error?.details ?? []).slice(0, 20)) {
    lines.push(`  ${d.path || '(body)'}: ${d.message}`);
  }
  if (error?.request_id) lines.push(`  request id: ${error.request_id}`);
  return new CliFailure(exitCodeForStatus(status), lines.join('\n'), body);
}

/** The body as text, refusing one larger than `max` bytes. */
export async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    // Throwing out of the loop cancels the rest of the body.
    if (size > max)
      throw new CliFailure(EXIT.failure, `the API's answer is larger than ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
