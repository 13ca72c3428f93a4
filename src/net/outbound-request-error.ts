/**
 * Why an outbound request got no usable answer:
 * - `refused`: the URL or an address it resolves to is against the network policy; nothing was sent.
 * - `too_large`: the answer was longer than the cap; reading stopped there.
 * - `timeout`: no complete answer within the time cap.
 * - `network`: DNS, connection or TLS failed, or the connection broke.
 */
export type OutboundFailure = 'refused' | 'too_large' | 'timeout' | 'network';

/**
 * A failed outbound request. Its message is Errand's own words (never the
 * peer's body or an address the policy refused), so it is safe to show to
 * whoever asked for the request.
 */
export class OutboundRequestError extends Error {
  override name = 'OutboundRequestError';
  constructor(
    readonly failure: OutboundFailure,
    message: string,
  ) {
    super(message);
  }

  /** Timeouts and network failures may pass; refusals and oversized answers would recur. */
  get retryable(): boolean {
    return this.failure === 'timeout' || this.failure === 'network';
  }
}
