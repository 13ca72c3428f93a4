import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { OutboundHttp } from '../net/outbound-http';
import type { CalendarProvider } from '../providers/calendar-provider';
import type { MessageSender } from '../providers/message-sender';

/** What activities need from the outside world; the worker builds it. */
export interface ActivityDeps {
  db: Kysely<Database>;
  /** To move and cancel reminder workflows when their meeting changes. */
  temporal: Client;
  calendar: CalendarProvider;
  messages: MessageSender;
  /** Every automation webhook goes through it: the network policy and the size and time caps. */
  outbound: OutboundHttp;
  now: () => Date;
  /** How late a reminder may still fire at once instead of being refused. */
  reminderGraceMs: number;
}
