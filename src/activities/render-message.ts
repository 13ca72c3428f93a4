import type { ChainableOutput } from '../plan/action-types';
import { formatForPeople } from '../time/zoned-time';

/** Built-in email templates; `{{name}}` placeholders take chained values. */
export const EMAIL_TEMPLATES = {
  meeting_invite: {
    subject: 'Invitation: {{title}}',
    body: 'You are invited to {{title}} on {{when}}.\n\nJoin: {{join_link}}',
  },
  // The name assistants' own plan documents give the email that confirms a booking.
  meeting_confirmation: {
    subject: 'Confirmed: {{title}}',
    body: '{{title}} is booked for {{when}}.\n\nJoin: {{join_link}}',
  },
  meeting_update: {
    subject: 'Updated: {{title}}',
    body: '{{title}} now takes place on {{when}}.\n\nJoin: {{join_link}}',
  },
  meeting_cancellation: {
    subject: 'Cancelled: {{title}}',
    body: '{{title}} on {{when}} has been cancelled.',
  },
  // "send the follow-up on Monday": after the meeting, so it thanks rather than invites.
  meeting_follow_up: {
    subject: 'Following up: {{title}}',
    body: 'Thank you for {{title}} on {{when}}.',
  },
  reminder: {
    subject: 'Reminder: {{title}}',
    body: 'Reminder: {{title}} starts {{when}}.\n\nJoin: {{join_link}}',
  },
} as const;

/** The values placeholders can name, from the chained step's output. */
export function templateValues(chained: ChainableOutput | undefined, timezone: string) {
  const values: Record<string, string> = {};
  if (!chained) return values;
  for (const [key, value] of Object.entries(chained)) {
    values[key] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  if (chained.start_time) values.when = formatForPeople(chained.start_time, timezone);
  return values;
}

/** Replaces `{{name}}` with its value; unknown names stay visible rather than vanish. */
export function render(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}

export interface EmailContent {
  subject: string;
  body: string;
}

/**
 * Composes an email from its params and the chained meeting: a template when
 * named (or implied by a chained meeting), the given subject and body
 * otherwise; a chained join link always reaches the body.
 */
export function composeEmail(
  params: { subject?: string; body?: string; template?: keyof typeof EMAIL_TEMPLATES },
  chained: ChainableOutput | undefined,
  timezone: string,
): EmailContent {
  const values = templateValues(chained, timezone);
  const templateName =
    params.template ?? (chained?.title && !params.body ? 'meeting_invite' : undefined);
  const template = templateName ? EMAIL_TEMPLATES[templateName] : undefined;
  const subject = render(
    params.subject ?? template?.subject ?? (values.title ? 'About: {{title}}' : ''),
    values,
  );
  let body = render(params.body ?? template?.body ?? '', values);
  if (chained?.join_link && !body.includes(chained.join_link)) {
    body = `${body}${body ? '\n\n' : ''}Join: ${chained.join_link}`;
  }
  return { subject, body };
}
