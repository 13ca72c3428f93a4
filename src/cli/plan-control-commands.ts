import { apiRequest, CliFailure } from './api-client';
import {
  COMMON_USAGE,
  parseCommand,
  targetOf,
  usageError,
  type ApiIo,
  type CliConfig,
} from './command-args';
import { EXIT } from './exit-codes';
import { clean, shorten, when } from './output';
import { printFailure } from './print-failure';

export type PlanControl = 'approve' | 'reject' | 'cancel' | 'retry';

export const PLAN_CONTROL_USAGE = `  errand approve ID [--reason R]                                        approves a plan awaiting approval
  errand reject ID --reason R                                           rejects it, saying why
  errand cancel ID                                                      cancels a plan that has not ended
  errand retry ID [--from-step N]                                       runs an ended plan again (from step N)`;

const OPTIONS = {
  reason: { type: 'string' },
  'from-step': { type: 'string' },
} as const;

interface Answer {
  plan_id: string;
  status?: string;
  attempt?: number;
  decision?: { outcome: string; by: string; at: string; reason: string | null };
  links?: { web_ui?: string };
}

/** `errand approve|reject|cancel|retry ID`, through the API. */
export async function planControlCommand(
  command: PlanControl,
  args: string[],
  config: CliConfig,
  io: ApiIo,
): Promise<number> {
  const usage = `${PLAN_CONTROL_USAGE}\n  ${COMMON_USAGE}`;
  const parsed = parseCommand(args, OPTIONS, usage, io);
  if (!parsed) return EXIT.usage;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return usageError(io, `${command} takes one plan id`, usage);
  const reason = (values.reason as string | undefined)?.trim();
  if (command === 'reject' && !reason) return usageError(io, 'reject needs --reason', usage);
  if (values.reason !== undefined && !reason) return usageError(io, '--reason is empty', usage);
  if (reason !== undefined && command !== 'approve' && command !== 'reject') {
    return usageError(io, `${command} takes no --reason`, usage);
  }
  const fromText = values['from-step'] as string | undefined;
  const fromStep = fromText === undefined ? undefined : Number(fromText);
  if (
    fromText !== undefined &&
    (command !== 'retry' || !Number.isInteger(fromStep) || fromStep! < 0)
  ) {
    return usageError(
      io,
      command === 'retry'
        ? `--from-step must be a step number, not "${fromText}"`
        : `${command} takes no --from-step`,
      usage,
    );
  }
  const id = positionals[0]!;
  const body =
    command === 'cancel' ? undefined : command === 'retry' ? { from_step: fromStep } : { reason };
  const json = values.json === true;
  try {
    const { body: answer } = await apiRequest<Answer>(
      targetOf(values, config, io),
      'POST',
      `/v1/plans/${encodeURIComponent(id)}/${command}`,
      { body },
    );
    io.out(json ? JSON.stringify(answer) : describe(command, answer));
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CliFailure) return printFailure(io, err, json);
    throw err;
  }
}

function describe(command: PlanControl, a: Answer): string {
  const plan = `plan ${clean(a.plan_id)}`;
  switch (command) {
    case 'approve':
    case 'reject': {
      const d = a.decision;
      if (!d) return `${plan}: ${command} sent`;
      return `${plan}: ${clean(d.outcome)} by ${shorten(d.by, 60)} at ${when(d.at)}${d.reason ? ` (${shorten(d.reason, 200)})` : ''}`;
    }
    case 'cancel':
      return `${plan}: ${clean(a.status)}`;
    case 'retry':
      return `${plan}: attempt ${a.attempt ?? '?'} ${clean(a.status)}${a.links?.web_ui ? `\nweb UI: ${clean(a.links.web_ui)}` : ''}`;
  }
}
