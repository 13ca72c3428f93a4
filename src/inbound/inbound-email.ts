import { simpleParser } from 'mailparser';

/** What Errand reads of an inbound email: who sent it and what it asks. */
export interface InboundEmail {
  /** The From address, lower-cased; null when the message names none. */
  from: string | null;
  subject: string;
  /** The subject and the new part of the body, as one request. */
  intent: string;
}

/** Thrown when the body is neither a raw message nor an inbound-parse form. */
export class UnreadableEmailError extends Error {}

const MAX_INTENT_CHARS = 2_000;
const ADDRESS = /[^\s<>"@,;]+@[^\s<>"@,;]+\.[^\s<>"@,;]+/;
/** Where the new part of a reply ends: a quoted line, "On … wrote:", or a signature. */
const REPLY_END = /^(?:>|On .{1,200} wrote:\s*$|-- ?$|_{5,}|-{5,}\s*Original Message)/;

/**
 * Reads a raw RFC 822 message (`message/rfc822`) with mailparser, or the
 * multipart form an email relay posts (SendGrid Inbound Parse: `from`,
 * `subject`, `text`, or the whole message in `email` when it posts raw).
 */
export async function readInboundEmail(body: Buffer, contentType: string): Promise<InboundEmail> {
  if (/^message\/rfc822\b/i.test(contentType)) return fromRaw(body);
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    throw new UnreadableEmailError(
      'send message/rfc822, or the multipart form of an inbound parse',
    );
  }
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), {
      headers: { 'content-type': contentType },
    }).formData();
  } catch {
    throw new UnreadableEmailError('the multipart form could not be read');
  }
  const field = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  if (field('email')) return fromRaw(Buffer.from(field('email')));
  return shape(addressIn(field('from')), field('subject'), field('text'));
}

async function fromRaw(raw: Buffer): Promise<InboundEmail> {
  const mail = await simpleParser(raw, { skipHtmlToText: false, skipImageLinks: true });
  const from = mail.from?.value[0]?.address ?? null;
  return shape(from ? from.toLowerCase() : null, mail.subject ?? '', mail.text ?? '');
}

function shape(from: string | null, subject: string, text: string): InboundEmail {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (REPLY_END.test(line.trim())) break;
    lines.push(line.trim());
  }
  const body = lines.filter(Boolean).join(' ');
  const intent = [subject.trim(), body].filter(Boolean).join(': ').slice(0, MAX_INTENT_CHARS);
  return { from, subject: subject.trim(), intent };
}

const addressIn = (value: string) => value.match(ADDRESS)?.[0]?.toLowerCase() ?? null;

/** Whether `from` is one of the tenant's allowed senders: the address, or its `@domain`. */
export function senderAllowed(from: string | null, allowed: string[]): boolean {
  if (!from) return false;
  const domain = from.slice(from.lastIndexOf('@'));
  return allowed.some((entry) => entry === from || entry === domain);
}
