import type { FieldError } from '../plan/field-error';
import type { Plan } from '../plan/validate-plan';
import type { TenantSettings } from '../tenants/tenant-settings';
import { HttpError } from './http-error';

/**
 * Refuses a valid plan that the tenant's policy does not allow: 403 when it
 * uses an action type outside `policy.enabled_actions` (each such step named),
 * 422 when it has more steps than `limits.steps_per_plan`. Null when allowed.
 */
export function policyRefusal(
  plan: Plan,
  settings: Pick<TenantSettings, 'policy' | 'limits'>,
): HttpError | null {
  const enabled = new Set<string>(settings.policy.enabled_actions);
  const refused: FieldError[] = [];
  plan.actions.forEach((step, index) => {
    if (!enabled.has(step.type)) {
      refused.push({
        path: `actions[${index}].type`,
        message: `action type "${step.type}" is not enabled for this tenant`,
      });
    }
  });
  if (refused.length > 0) {
    const types = [...new Set(plan.actions.map((a) => a.type).filter((t) => !enabled.has(t)))];
    const allowed = settings.policy.enabled_actions.join(', ') || 'none';
    return new HttpError(
      403,
      'action_not_enabled',
      `the tenant's policy does not enable ${types.map((t) => `"${t}"`).join(', ')}; enabled: ${allowed}`,
      refused,
    );
  }
  const max = settings.limits.steps_per_plan;
  if (plan.actions.length > max) {
    return new HttpError(
      422,
      'too_many_steps',
      `the plan has ${plan.actions.length} actions; the tenant's limit is ${max} (limits.steps_per_plan)`,
      [{ path: 'actions', message: `a plan has at most ${max} actions for this tenant` }],
    );
  }
  return null;
}
