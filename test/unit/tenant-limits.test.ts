import { describe, expect, it } from 'vitest';
import { ACTION_TYPES } from '../../src/plan/action-types';
import { fieldErrors } from '../../src/plan/field-error';
import { MAX_STEPS } from '../../src/plan/plan-schema';
import { HARD_LIMITS } from '../../src/tenants/tenant-limits';
import { readTenantSettings, tenantSettingsSchema } from '../../src/tenants/tenant-settings';

const refusals = (input: unknown) => {
  const parsed = tenantSettingsSchema.safeParse(input);
  if (parsed.success) throw new Error('expected the settings to be refused');
  return fieldErrors(parsed.error).map((e) => e.path);
};

describe('tenant policy and limits settings', () => {
  it('default to every action enabled and limits that leave plans as they were', () => {
    const settings = readTenantSettings({});
    expect(settings.policy.enabled_actions).toEqual([...ACTION_TYPES]);
    expect(settings.limits).toEqual({
      actions_per_minute: 600,
      actions_per_hour: 10000,
      plans_awaiting_approval: 100,
      steps_per_plan: MAX_STEPS,
    });
    // The approval rules by action type stay where they were, part of the same policy.
    expect(settings.approval.required_for).toEqual([
      'start_campaign',
      'initiate_call',
      'trigger_automation',
    ]);
  });

  it('fill omitted limits with their defaults', () => {
    const settings = tenantSettingsSchema.parse({ limits: { actions_per_minute: 5 } });
    expect(settings.limits).toMatchObject({ actions_per_minute: 5, actions_per_hour: 10000 });
  });

  it.each([
    ['zero', { actions_per_minute: 0 }, 'limits.actions_per_minute'],
    ['a fraction', { actions_per_hour: 1.5 }, 'limits.actions_per_hour'],
    ['a string', { plans_awaiting_approval: '10' }, 'limits.plans_awaiting_approval'],
    ['over the hard maximum', { steps_per_plan: MAX_STEPS + 1 }, 'limits.steps_per_plan'],
    [
      'over the hard maximum',
      { actions_per_minute: HARD_LIMITS.actions_per_minute + 1 },
      'limits.actions_per_minute',
    ],
  ])('refuse a limit that is %s, naming it', (_what, limits, path) => {
    expect(refusals({ limits })).toEqual([path]);
  });

  it('refuse an unknown action type in enabled_actions, naming its place', () => {
    expect(refusals({ policy: { enabled_actions: ['send_sms', 'rm_rf'] } })).toEqual([
      'policy.enabled_actions[1]',
    ]);
  });

  it('allow every action to be disabled', () => {
    expect(tenantSettingsSchema.parse({ policy: { enabled_actions: [] } }).policy).toEqual({
      enabled_actions: [],
    });
  });
});
