import { describe, expect, it } from 'vitest';
import { policyRefusal } from '../../src/api/plan-policy';
import { validatePlan, type Plan } from '../../src/plan/validate-plan';
import { readTenantSettings } from '../../src/tenants/tenant-settings';

const sms = { type: 'send_sms', params: { to: ['+14155550123'], message: 'hi' } };
const email = { type: 'send_email', params: { to: ['a@example.com'], subject: 'hi' } };

function plan(...actions: unknown[]): Plan {
  const result = validatePlan({ intent: 'test', actions });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.plan;
}

describe('policyRefusal', () => {
  it('lets a plan through that the policy allows', () => {
    expect(policyRefusal(plan(sms, email), readTenantSettings({}))).toBeNull();
  });

  it('refuses a disabled action type with 403, naming the type and every step that uses it', () => {
    const settings = readTenantSettings({ policy: { enabled_actions: ['send_email'] } });
    const refusal = policyRefusal(plan(email, sms, email, sms), settings);
    expect(refusal).toMatchObject({ status: 403, code: 'action_not_enabled' });
    expect(refusal?.message).toContain('"send_sms"');
    expect(refusal?.message).toContain('enabled: send_email');
    expect(refusal?.details.map((d) => d.path)).toEqual(['actions[1].type', 'actions[3].type']);
    expect(refusal?.details[0].message).toContain('send_sms');
  });

  it('names every disabled type once', () => {
    const settings = readTenantSettings({ policy: { enabled_actions: [] } });
    const refusal = policyRefusal(plan(sms, email, sms), settings);
    expect(refusal?.message).toContain('"send_sms", "send_email"');
    expect(refusal?.message).toContain('enabled: none');
  });

  it('refuses more steps than limits.steps_per_plan with 422 naming actions', () => {
    const settings = readTenantSettings({ limits: { steps_per_plan: 2 } });
    expect(policyRefusal(plan(sms, sms), settings)).toBeNull();
    const refusal = policyRefusal(plan(sms, sms, sms), settings);
    expect(refusal).toMatchObject({ status: 422, code: 'too_many_steps' });
    expect(refusal?.details).toEqual([
      { path: 'actions', message: 'a plan has at most 2 actions for this tenant' },
    ]);
  });
});
