import type { Migration } from 'kysely';
import * as core from './2026-11-22T00-00_core';
import * as durableControl from './2026-11-22T01-00_durable-control';
import * as decisions from './2026-11-22T02-00_decisions';
import * as submission from './2026-12-02T12-00_submission';

/** Every migration by name; names sort in the order they run. Add new ones here. */
export const migrations: Record<string, Migration> = {
  '2026-11-22T00-00_core': core,
  '2026-11-22T01-00_durable-control': durableControl,
  '2026-11-22T02-00_decisions': decisions,
  '2026-12-02T12-00_submission': submission,
};
