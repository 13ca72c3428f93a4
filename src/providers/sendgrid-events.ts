import { verify, type KeyObject } from 'node:crypto';
import { postgresSafeText } from '../plan/postgres-safe';
import type { DeliveryStatus } from './messages';

/** The custom argument every Errand email carries to SendGrid: its outbox idempotency key. */
export const SENDGRID_KEY_ARG = 'errand_key';

/** How far a signed timestamp may be from now, either way: bounds the replay of a captured request. */
export const EVENT_WINDOW_SECONDS = 600;
/** Events in one request past this are refused; SendGrid batches far fewer. */
export const MAX_EVENTS = 2_000;

const DETAIL_CHARS = 300;
const ID_CHARS = 500;

/**
 * Whether SendGrid signed `body`: ECDSA P-256 over SHA-256 of the timestamp
 * header followed by the raw body, the signature base64 DER, as its Event
 * Webhook's signed-webhook feature does (what @sendgrid/eventwebhook checks;
 * that package is not installed, so this uses node:crypto).
 */
export function isSignedBySendgrid(
  key: KeyObject,
  body: Buffer,
  signature: string,
  timestamp: string,
): boolean {
  try {
    return verify(
      'sha256',
      Buffer.concat([Buffer.from(timestamp, 'utf8'), body]),
      { key, dsaEncoding: 'der' },
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** One event's effect on its message. */
export interface DeliveryEvent {
  /** The outbox key from the custom argument, when the event carries it. */
  key: string | null;
  /** X-Message-Id: sg_message_id up to its first dot. */
  vendorMessageId: string | null;
  status: DeliveryStatus;
  detail: string | null;
}

/** What each SendGrid event means for delivery; others (opens, clicks) change nothing. */
const STATUS_OF: Record<string, DeliveryStatus> = {
  processed: 'sent',
  deferred: 'sent',
  delivered: 'delivered',
  bounce: 'bounced',
  dropped: 'failed',
};

/** A string field as Postgres can store it, bounded; the body is the vendor's, so anything may be in it. */
const text = (v: unknown) =>
  typeof v === 'string' && v !== '' ? postgresSafeText(v).slice(0, ID_CHARS) : null;

/** The delivery events in a parsed Event Webhook body (an array); anything else is skipped. */
export function deliveryEvents(events: unknown[]): DeliveryEvent[] {
  return events.flatMap((raw) => {
    if (!raw || typeof raw !== 'object') return [];
    const event = raw as Record<string, unknown>;
    const name = text(event.event);
    const status = name ? STATUS_OF[name] : undefined;
    if (!status) return [];
    const vendorId = text(event.sg_message_id)?.split('.')[0] ?? null;
    const reason = text(event.reason) ?? text(event.response);
    return [
      {
        key: text(event[SENDGRID_KEY_ARG]),
        vendorMessageId: vendorId,
        status,
        detail: `${name}${reason ? `: ${reason}` : ''}`.slice(0, DETAIL_CHARS),
      },
    ];
  });
}
