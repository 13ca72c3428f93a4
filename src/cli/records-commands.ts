import { apiRequest, CliFailure } from './api-client';
import {
  COMMON_USAGE,
  limitOf,
  parseCommand,
  targetOf,
  usageError,
  type ApiIo,
  type CliConfig,
} from './command-args';
import { EXIT } from './exit-codes';
import { clean, shorten, table, when } from './output';
import { printFailure } from './print-failure';

export const RECORDS_USAGE = `  errand reminders list [--status pending|fired|cancelled] [--limit N] [--cursor C]   the tenant's reminders, soonest first
  errand decisions list [--outcome O] [--planner P] [--source S] [--limit N] [--cursor C]   the planner's decisions, newest first`;

interface Reminder {
  id: string;
  status: string;
  fire_at: string;
  channel: string;
  recipients: string[];
  message: string;
  plan_id: string | null;
}

interface Decision {
  id: string;
  created_at: string;
  outcome: string;
  planner: string | null;
  confidence: number | null;
  source: string;
  text: string;
  plan_id: string | null;
}

/** What each list reads: its path, its filters (the API's query parameters) and its table. */
const LISTS = {
  reminders: {
    path: '/v1/reminders',
    filters: ['status'],
    table: (rows: Reminder[]) =>
      rows.length === 0
        ? 'no reminders'
        : table(
            ['ID', 'STATUS', 'FIRES (UTC)', 'CHANNEL', 'TO', 'MESSAGE'],
            rows.map((r) => [
              clean(r.id),
              clean(r.status),
              when(r.fire_at),
              clean(r.channel),
              shorten(
                `${r.recipients[0] ?? '-'}${r.recipients.length > 1 ? ` +${r.recipients.length - 1}` : ''}`,
                40,
              ),
              shorten(r.message, 50),
            ]),
          ),
  },
  decisions: {
    path: '/v1/decisions',
    filters: ['outcome', 'planner', 'source'],
    table: (rows: Decision[]) =>
      rows.length === 0
        ? 'no decisions'
        : table(
            ['CREATED (UTC)', 'OUTCOME', 'PLANNER', 'CONF', 'PLAN', 'TEXT'],
            rows.map((d) => [
              when(d.created_at),
              clean(d.outcome),
              clean(d.planner ?? '-'),
              d.confidence === null ? '-' : d.confidence.toFixed(2),
              clean(d.plan_id ?? '-'),
              shorten(d.text, 50),
            ]),
          ),
  },
} as const;

const OPTIONS = {
  status: { type: 'string' },
  outcome: { type: 'string' },
  planner: { type: 'string' },
  source: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
} as const;

/** `errand reminders list` and `errand decisions list`, through the API. */
export async function recordsCommand(
  command: keyof typeof LISTS,
  args: string[],
  config: CliConfig,
  io: ApiIo,
): Promise<number> {
  const [sub, ...rest] = args;
  const usage = `${RECORDS_USAGE}\n  ${COMMON_USAGE}`;
  if (sub !== 'list') return usageError(io, `unknown command "${command} ${sub ?? ''}"`, usage);
  const parsed = parseCommand(rest, OPTIONS, usage, io);
  if (!parsed) return EXIT.usage;
  const { values, positionals } = parsed;
  if (positionals.length) return usageError(io, `unexpected "${positionals[0]}"`, usage);
  const list = LISTS[command];
  const v = values as Record<string, string | boolean | undefined>;
  const other = Object.keys(OPTIONS).find(
    (name) =>
      v[name] !== undefined &&
      name !== 'limit' &&
      name !== 'cursor' &&
      !(list.filters as readonly string[]).includes(name),
  );
  if (other) return usageError(io, `${command} list takes no --${other}`, usage);
  const limit = limitOf(v.limit as string | undefined);
  if (limit instanceof Error) return usageError(io, limit.message, usage);
  const query: Record<string, string | number | undefined> = {
    limit,
    cursor: v.cursor as string | undefined,
  };
  for (const name of list.filters) query[name] = v[name] as string | undefined;
  const json = values.json === true;
  try {
    const { body } = await apiRequest<{ data: never[]; next_cursor: string | null }>(
      targetOf(values, config, io),
      'GET',
      list.path,
      { query },
    );
    if (json) {
      io.out(JSON.stringify(body));
      return EXIT.ok;
    }
    io.out(list.table(body.data));
    if (body.next_cursor) {
      const again = Object.entries(query)
        .filter(([name, value]) => value !== undefined && name !== 'cursor')
        .map(([name, value]) => `--${name} ${value}`);
      io.out(
        `\nmore: errand ${command} list ${[...again, `--cursor ${body.next_cursor}`].join(' ')}`,
      );
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CliFailure) return printFailure(io, err, json);
    throw err;
  }
}
