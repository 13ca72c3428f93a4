import { postgresSafeText } from '../plan/postgres-safe';
import type { DeliveryStatus } from './messages';

/** What each MessageStatus and CallStatus Twilio reports means for delivery. */
const STATUS_OF: Record<string, DeliveryStatus> = {
  queued: 'sent',
  accepted: 'sent',
  scheduled: 'sent',
  sending: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
  initiated: 'sent',
  ringing: 'sent',
  'in-progress': 'sent',
  completed: 'delivered',
  busy: 'failed',
  'no-answer': 'failed',
};

const DETAIL_CHARS = 300;

/** One status callback's effect on its message, or undefined when it reports nothing Errand tracks. */
export interface TwilioStatusReport {
  status: DeliveryStatus;
  vendorMessageId: string | null;
  detail: string;
}

const field = (body: Record<string, unknown>, name: string) => {
  const value = body[name];
  return typeof value === 'string' && value ? postgresSafeText(value).slice(0, 100) : null;
};

/** Reads a status callback's form fields (MessageStatus or CallStatus, the SID, ErrorCode). */
export function twilioStatusReport(body: Record<string, unknown>): TwilioStatusReport | undefined {
  const name = field(body, 'MessageStatus') ?? field(body, 'CallStatus');
  const status = name ? STATUS_OF[name] : undefined;
  if (!name || !status) return undefined;
  const code = field(body, 'ErrorCode');
  return {
    status,
    vendorMessageId: field(body, 'MessageSid') ?? field(body, 'CallSid'),
    detail: `${name}${code ? `: Twilio error ${code}` : ''}`.slice(0, DETAIL_CHARS),
  };
}
