import type { ActionParams } from '../plan/action-types';
import type { FieldError } from '../plan/field-error';
import type { Plan } from '../plan/validate-plan';
import type { TenantSettings } from '../tenants/tenant-settings';
import { longestWorkingStretch } from '../tenants/working-stretch';

/**
 * Availability checks asking for a meeting longer than any stretch of the
 * tenant's working day: they could never find a slot, so they are refused
 * before the plan starts rather than failing (or searching) on the worker.
 */
export function unfitDurations(plan: Plan, hours: TenantSettings['working_hours']): FieldError[] {
  const stretch = longestWorkingStretch(hours);
  return plan.actions.flatMap((step, index) => {
    if (step.type !== 'check_availability') return [];
    const minutes = (step.params as ActionParams<'check_availability'>).duration_minutes;
    if (minutes <= stretch) return [];
    return [
      {
        path: `actions[${index}].params.duration_minutes`,
        message: `step ${index} (check_availability): a ${minutes}-minute meeting never fits in the working hours, whose longest stretch is ${stretch} minutes`,
      },
    ];
  });
}
