import { buildPlanner } from '../clients';
import { ConfigError, loadConfig } from '../config';
import { ADMIN_USAGE, adminCommand } from './admin-commands';
import { EXIT, PLAN_USAGE, planCommand } from './plan-command';

const USAGE = `errand — durable action plans

  errand plan "<intent>" [--dry-run] [--json] [--now ISO] [--tz IANA]   turn a sentence into a plan
${ADMIN_USAGE}

${PLAN_USAGE}`;

/** The CLI's composition root: reads configuration once and dispatches the command. */
async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const io = {
    out: (t: string) => process.stdout.write(`${t}\n`),
    err: (t: string) => process.stderr.write(`${t}\n`),
    fetch: globalThis.fetch,
  };
  if (!command || command === 'help' || command === '--help') {
    io.out(USAGE);
    return command ? EXIT.ok : EXIT.usage;
  }
  const config = loadConfig(process.env);
  switch (command) {
    case 'plan':
      return planCommand(args, config, buildPlanner(config), io);
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
