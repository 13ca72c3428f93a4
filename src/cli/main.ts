import { buildPlanner } from '../clients';
import { ConfigError, loadConfig } from '../config';
import { ADMIN_USAGE, adminCommand } from './admin-commands';
import { EXIT, EXIT_CODES_USAGE } from './exit-codes';
import { PLAN_USAGE, planCommand } from './plan-command';
import { PLAN_CONTROL_USAGE, planControlCommand } from './plan-control-commands';
import { PLANS_USAGE, plansCommand } from './plans-commands';
import { RECORDS_USAGE, recordsCommand } from './records-commands';
import { COMMON_USAGE } from './command-args';

const USAGE = `errand — durable action plans

  errand plan "<intent>" [--dry-run] [--json] [--now ISO] [--tz IANA]   turn a sentence into a plan
${PLANS_USAGE}
${PLAN_CONTROL_USAGE}
${RECORDS_USAGE}
${ADMIN_USAGE}

  ${COMMON_USAGE}

${PLAN_USAGE}

${EXIT_CODES_USAGE}`;

/** The CLI's composition root: reads configuration once and dispatches the command. */
async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  // Ctrl-C ends a watch (or a slow request) with 130, as shells report it.
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  const io = {
    out: (t: string) => process.stdout.write(`${t}\n`),
    err: (t: string) => process.stderr.write(`${t}\n`),
    fetch: globalThis.fetch,
    signal: interrupt.signal,
  };
  if (!command || command === 'help' || command === '--help') {
    io.out(USAGE);
    return command ? EXIT.ok : EXIT.usage;
  }
  const config = loadConfig(process.env);
  switch (command) {
    case 'plan':
      return planCommand(args, config, buildPlanner(config), io);
    case 'plans':
      return plansCommand(args, config, io);
    case 'approve':
    case 'reject':
    case 'cancel':
    case 'retry':
      return planControlCommand(command, args, config, io);
    case 'reminders':
    case 'decisions':
      return recordsCommand(command, args, config, io);
    case 'tenant':
    case 'key':
      return adminCommand(command, args, config, io);
    default:
      io.err(`unknown command "${command}"\n\n${USAGE}`);
      return EXIT.usage;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(EXIT.failure);
  },
);
