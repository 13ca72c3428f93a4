import { parseArgs } from 'node:util';
import type { Config } from '../config';
import { isTimeZone } from '../plan/plan-schema';
import { toInstant } from '../time/zoned-time';
import { chooseKey, readCredentials } from './credentials';
import { CannotPlanError, type Planner, type PlannerResult } from '../planner/planner';
import { EXIT } from './exit-codes';

export { EXIT };

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  fetch: typeof fetch;
}

export const PLAN_USAGE = `usage: errand plan "<intent>" [--dry-run] [--json] [--now ISO] [--tz IANA] [--api URL] [--key KEY] [--credentials FILE]`;

/**
 * `errand plan`: turns a sentence into a plan. With --dry-run it plans here
 * and runs nothing; otherwise it sends the sentence to the API's
 * /v1/intents, which plans, gates on confidence and starts the plan.
 */
export async function planCommand(
  args: string[],
  config: Config,
  planner: Planner,
  io: CliIo,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        now: { type: 'string' },
        tz: { type: 'string' },
        api: { type: 'string' },
        key: { type: 'string' },
        credentials: { type: 'string' },
      },
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n${PLAN_USAGE}`);
    return EXIT.usage;
  }
  const { values: opts, positionals } = parsed;
  const intent = positionals.join(' ').trim();
  if (!intent) {
    io.err(PLAN_USAGE);
    return EXIT.usage;
  }
  const timezone = opts.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!isTimeZone(timezone)) {
    io.err(`--tz "${timezone}" is not an IANA time zone`);
    return EXIT.usage;
  }
  // A --now without an offset is the --tz wall clock, as every time in a plan is, not the
  // clock of the machine the CLI runs on.
  let now = new Date();
  if (opts.now) {
    try {
      now = toInstant(opts.now, timezone);
    } catch {
      io.err(`--now "${opts.now}" is not an ISO-8601 date-time`);
      return EXIT.usage;
    }
  }

  if (opts['dry-run']) {
    let result: PlannerResult;
    try {
      result = await planner.plan(intent, { now, timezone });
    } catch (err) {
      if (!(err instanceof CannotPlanError)) throw err;
      printCannotPlan(io, opts.json, err.reason, err.message);
      return EXIT.cannotPlan;
    }
    if (opts.json) {
      io.out(
        JSON.stringify({
          actions: result.actions,
          confidence: result.confidence,
          planner: result.planner,
        }),
      );
    } else {
      io.out(describe(result));
    }
    return EXIT.ok;
  }

  if (opts.now) {
    io.err('--now only works with --dry-run: the API plans against its own clock');
    return EXIT.usage;
  }
  const base = opts.api ?? `http://${config.HOST}:${config.PORT}`;
  const res = await io.fetch(`${base}/v1/intents`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      // The key chooses the tenant.
      authorization: `Bearer ${
        chooseKey(opts.key, config.ERRAND_API_KEY, readCredentials(opts.credentials), false) ?? ''
      }`,
    },
    body: JSON.stringify({ text: intent, timezone: opts.tz }),
  });
  const body = (await res.json()) as Record<string, unknown> & {
    error?: { code: string; message: string };
  };
  if (res.status === 422) {
    printCannotPlan(io, opts.json, body.error!.code, body.error!.message);
    return EXIT.cannotPlan;
  }
  if (!res.ok) {
    io.err(`the API answered ${res.status}: ${body.error?.message ?? JSON.stringify(body)}`);
    return EXIT.failure;
  }
  if (opts.json) {
    const { actions, confidence, planner: used, plan_id, workflow_id, outcome } = body;
    io.out(JSON.stringify({ actions, confidence, planner: used, plan_id, workflow_id, outcome }));
  } else {
    io.out(
      `${describe(body as unknown as PlannerResult)}\n\nplan ${String(body.plan_id)}: ${String(body.outcome)}`,
    );
  }
  return EXIT.ok;
}

function printCannotPlan(io: CliIo, json: boolean, reason: string, message: string) {
  if (json) io.out(JSON.stringify({ error: { code: 'cannot_plan', reason, message } }));
  else io.err(`cannot plan this (${reason}): ${message}`);
}

function describe(result: PlannerResult): string {
  const lines = [`${result.planner} planner, confidence ${result.confidence.toFixed(2)}`];
  result.actions.forEach((a, i) => {
    const extra = [
      a.use_result_from !== undefined ? `uses step ${a.use_result_from}` : '',
      a.condition && a.condition !== 'always' ? a.condition : '',
    ].filter(Boolean);
    lines.push(
      `  ${i}. ${a.type} ${JSON.stringify(a.params)}${extra.length ? ` (${extra.join(', ')})` : ''}`,
    );
  });
  if (result.reasoning) lines.push(`why: ${result.reasoning}`);
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
