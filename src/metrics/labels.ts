/**
 * Label values from fixed lists, so a stored or sent value can never grow the
 * number of series; anything unknown is `other`.
 */

/** The sources a plan can come from (see INTENT_SOURCES). */
const SOURCES: ReadonlySet<string> = new Set(['api', 'webhook', 'email', 'chat', 'schedule']);
/** Every MessageChannel. */
const CHANNELS: ReadonlySet<string> = new Set([
  'email',
  'sms',
  'call',
  'campaign',
  'automation',
  'notification',
]);

export function sourceLabel(source: string): string {
  return SOURCES.has(source) ? source : 'other';
}

export function channelLabel(channel: string): string {
  return CHANNELS.has(channel) ? channel : 'other';
}
