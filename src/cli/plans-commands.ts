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
import { planDetail, planTable, type PlanViewLike } from './plan-format';
import { watchPlan } from './plan-watch';
import { printFailure } from './print-failure';

export const PLANS_USAGE = `  errand plans list [--status S] [--mine] [--limit N] [--cursor C]    the tenant's plans, newest first
  errand plans show ID                                                  a plan: its steps, approvals, Web UI page
  errand plans watch ID                                                 a plan live, until it ends`;

const LIST_OPTIONS = {
  status: { type: 'string' },
  mine: { type: 'boolean', default: false },
  limit: { type: 'string' },
  cursor: { type: 'string' },
} as const;

/** `errand plans list|show|watch`, through the API. */
export async function plansCommand(args: string[], config: CliConfig, io: ApiIo): Promise<number> {
  const [sub, ...rest] = args;
  const usage = `${PLANS_USAGE}\n  ${COMMON_USAGE}`;
  const parsed = parseCommand(rest, LIST_OPTIONS, usage, io);
  if (!parsed) return EXIT.usage;
  const { values, positionals } = parsed;
  const json = values.json === true;
  const target = targetOf(values, config, io);
  try {
    switch (sub) {
      case 'list': {
        if (positionals.length) return usageError(io, `unexpected "${positionals[0]}"`, usage);
        const limit = limitOf(values.limit);
        if (limit instanceof Error) return usageError(io, limit.message, usage);
        const { cursor, status } = values;
        const { body } = await apiRequest<{ data: PlanViewLike[]; next_cursor: string | null }>(
          target,
          'GET',
          '/v1/plans',
          { query: { status, mine: values.mine ? 'true' : undefined, limit, cursor } },
        );
        if (json) {
          io.out(JSON.stringify(body));
          return EXIT.ok;
        }
        io.out(planTable(body.data));
        if (body.next_cursor) {
          const again = [
            'errand plans list',
            status ? `--status ${status}` : '',
            values.mine ? '--mine' : '',
            limit ? `--limit ${limit}` : '',
            `--cursor ${body.next_cursor}`,
          ].filter(Boolean);
          io.out(`\nmore: ${again.join(' ')}`);
        }
        return EXIT.ok;
      }
      case 'show':
      case 'watch': {
        if (positionals.length !== 1) return usageError(io, `${sub} takes one plan id`, usage);
        const listOnly = (['status', 'limit', 'cursor'] as const).find((o) => values[o]);
        if (listOnly || values.mine) {
          return usageError(io, `--${listOnly ?? 'mine'} is for plans list`, usage);
        }
        const id = positionals[0]!;
        if (sub === 'watch') return await watchPlan(target, id, { json, out: io.out, err: io.err });
        const { body } = await apiRequest<PlanViewLike>(
          target,
          'GET',
          `/v1/plans/${encodeURIComponent(id)}`,
        );
        io.out(json ? JSON.stringify(body) : planDetail(body));
        return EXIT.ok;
      }
      default:
        return usageError(
          io,
          sub ? `unknown command "plans ${sub}"` : 'plans needs list, show or watch',
          usage,
        );
    }
  } catch (err) {
    if (err instanceof CliFailure) return printFailure(io, err, json);
    throw err;
  }
}
