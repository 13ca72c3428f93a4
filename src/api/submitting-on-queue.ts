import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import type { Planner } from '../planner/planner';
import { createRulesPlanner } from '../planner/rules-planner';
import { createIntentService } from './intent-service';
import { createPlanService } from './plan-service';

/** What an activity needs to submit plans and intents exactly as the API does. */
export interface SubmittingConfig {
  db: Kysely<Database>;
  temporal: Client;
  /** Plans intents when they are submitted (a schedule's run, a conversation's message). */
  planner: Planner;
  logger: Logger;
  now?: () => Date;
  startTimeoutMs?: number;
}

/**
 * The API's plan service and intent service, starting plans on `taskQueue`:
 * an activity passes its own queue, which is the one the API starts plans on.
 */
export function submittingOnQueue(config: SubmittingConfig, taskQueue: string) {
  const now = config.now ?? (() => new Date());
  const plans = createPlanService({
    db: config.db,
    temporal: config.temporal,
    taskQueue,
    startTimeoutMs: config.startTimeoutMs ?? 5_000,
    logger: config.logger,
    now,
  });
  const intents = createIntentService({
    db: config.db,
    planner: config.planner,
    check: createRulesPlanner(),
    plans,
    logger: config.logger,
    now,
  });
  return { plans, intents };
}
