import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { errandDataConverter } from '../../src/temporal/data-converter';
import { TEST_KEY_RING } from '../support/harness';

const dir = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('saved histories of every shipped workflow shape', () => {
  it('exist', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)(
    '%s replays on the current workflow code without non-determinism',
    async (file) => {
      const history = historyFromJSON(JSON.parse(readFileSync(`${dir}${file}`, 'utf8')));
      await Worker.runReplayHistory(
        {
          workflowBundle: { codePath: inject('workflowBundlePath') },
          dataConverter: errandDataConverter(TEST_KEY_RING),
        },
        history,
        file,
      );
    },
  );
});
