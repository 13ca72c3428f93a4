/** The ways Errand reaches people, and the built-in outbox's name for a webhook-less automation. */
export type MessageChannel = 'email' | 'sms' | 'call' | 'campaign' | 'automation' | 'notification';

/** Where a sent message stands: vendors move it on from `queued` or `sent` as they report back. */
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'bounced' | 'failed';

/** One message to send, in the sender's own terms; every adapter takes exactly this. */
export interface OutgoingMessage {
  tenant_id: string;
  channel: MessageChannel;
  recipients: string[];
  subject?: string | null;
  body?: string | null;
  /** What the channel needs beyond a subject and a body (a campaign's audience, a reminder's time). */
  payload?: Record<string, unknown> | null;
  /** Sending the same key twice sends once and answers the first delivery. */
  idempotency_key: string;
  plan_id?: string | null;
  step_index?: number | null;
}

export interface Delivery {
  /**
   * The outbox row that records the message: every sender keeps what it sends
   * there, so `GET /v1/outbox` shows each message and where its delivery stands.
   */
  message_id: string;
  status: DeliveryStatus;
}

/**
 * Sends email, SMS, calls, campaigns and reminders. Every message Errand sends
 * goes through one of these, so an adapter sees all of them.
 */
export interface MessageSender {
  send(message: OutgoingMessage): Promise<Delivery>;
}
