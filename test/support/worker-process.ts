/**
 * A real Errand worker in a process of its own, so a test can kill -9 it.
 * With HANG_AFTER_WRITE=<activity>, that activity's first attempt commits its
 * write and then hangs, leaving the worker to die mid-step.
 */
import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities, type Activities } from '../../src/activities';
import { createActivityDeps } from '../../src/activities/deps';
import { parseKeyRing } from '../../src/crypto/key-ring';
import { createDb } from '../../src/db/create-db';
import { createOutboundHttp } from '../../src/net/outbound-http';
import { WEBHOOK_MAX_RESPONSE_BYTES } from '../../src/net/webhook-limits';
import { errandDataConverter } from '../../src/temporal/data-converter';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const address = env('TEMPORAL_ADDRESS');
  const db = createDb({ url: env('DATABASE_URL'), maxConnections: 3 });
  const keys = process.env.ERRAND_ENCRYPTION_KEYS;
  const dataConverter = errandDataConverter(keys ? parseKeyRing(keys) : undefined);
  const temporal = new Client({ connection: await Connection.connect({ address }), dataConverter });
  const activities: Activities = createActivities(
    createActivityDeps({
      db,
      temporal,
      outbound: createOutboundHttp({
        allowPrivateNetwork: true,
        timeoutMs: 10_000,
        maxResponseBytes: WEBHOOK_MAX_RESPONSE_BYTES,
      }),
      meetingLinkBase: 'https://meet.example.com/t/',
      reminderGraceMs: 60_000,
    }),
  );
  const hang = process.env.HANG_AFTER_WRITE as keyof Activities | undefined;
  if (hang) {
    const real = activities[hang] as (input: unknown) => Promise<unknown>;
    (activities as Record<string, unknown>)[hang] = async (input: unknown) => {
      const output = await real(input);
      if (Context.current().info.attempt === 1) {
        console.log('HUNG');
        await new Promise(() => undefined);
      }
      return output;
    };
  }
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address }),
    taskQueue: env('TASK_QUEUE'),
    activities,
    workflowBundle: { codePath: env('WORKFLOW_BUNDLE') },
    dataConverter,
  });
  console.log('READY');
  await worker.run();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
