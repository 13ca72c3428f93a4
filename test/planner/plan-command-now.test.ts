import { describe, expect, it } from 'vitest';
import { planCommand } from '../../src/cli/plan-command';
import { loadConfig } from '../../src/config';
import { createRulesPlanner } from '../../src/planner/rules-planner';

// A zone other than this machine's, so reading --now on the machine's clock would show.
const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
const ZONE = local === 'Pacific/Kiritimati' ? 'America/New_York' : 'Pacific/Kiritimati';

async function dryRun(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = {
    out: (t: string) => void (out += t),
    err: (t: string) => void (err += t),
    fetch: () => Promise.reject(new Error('a dry run does not call the API')),
  };
  const code = await planCommand(
    [...args, '--dry-run', '--json'],
    loadConfig({}),
    createRulesPlanner(),
    io,
  );
  return { code, out, err };
}

const firstParams = (out: string) =>
  (JSON.parse(out) as { actions: { params: Record<string, unknown> }[] }).actions[0]!.params;

describe('errand plan --now', () => {
  it('reads a time without an offset as the --tz wall clock', async () => {
    const r = await dryRun('remind me in 2 hours', '--now', '2026-11-23T09:00:00', '--tz', ZONE);
    expect(r.err).toBe('');
    expect(firstParams(r.out).at).toBe('2026-11-23T11:00:00');
  });

  it('reads a time with an offset as that instant', async () => {
    // 09:00Z is 23:00 in Kiritimati (UTC+14), 04:00 in New York.
    const r = await dryRun('remind me in 2 hours', '--now', '2026-11-23T09:00:00Z', '--tz', ZONE);
    expect(firstParams(r.out).at).toBe(
      ZONE === 'Pacific/Kiritimati' ? '2026-11-24T01:00:00' : '2026-11-23T06:00:00',
    );
  });

  it('reads a date alone as the start of that day in --tz', async () => {
    const r = await dryRun('remind me in 90 minutes', '--now', '2026-11-23', '--tz', ZONE);
    expect(firstParams(r.out).at).toBe('2026-11-23T01:30:00');
  });

  it('refuses a --now that is not ISO-8601 as bad usage', async () => {
    const r = await dryRun('remind me in 2 hours', '--now', 'next tuesday', '--tz', ZONE);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--now "next tuesday" is not an ISO-8601 date-time/);
  });
});
