import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/plan/validate-plan';

const plan = (...actions: unknown[]) => ({ intent: 'seed form', actions });

describe('steps with their parameters beside type', () => {
  it('are stored in the nested form, the same plan as written nested', () => {
    const flat = validatePlan(
      plan(
        {
          type: 'book_meeting',
          title: 'Demo',
          time: '2026-01-13T15:00:00',
          attendees: ['john@example.com'],
        },
        { type: 'send_email', use_result_from: 0, template: 'meeting_confirmation' },
      ),
    );
    const nested = validatePlan(
      plan(
        {
          type: 'book_meeting',
          params: { title: 'Demo', time: '2026-01-13T15:00:00', attendees: ['john@example.com'] },
        },
        { type: 'send_email', use_result_from: 0, params: { template: 'meeting_confirmation' } },
      ),
    );
    expect(flat.ok).toBe(true);
    expect(flat).toEqual(nested);
    if (flat.ok) expect(flat.plan.actions[1]!.use_result_from).toBe(0);
  });

  it('name a bad parameter where the client wrote it', () => {
    const result = validatePlan(
      plan({ type: 'book_meeting', title: 'Demo', time: 'tomorrow-ish', titel: 'x' }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.errors.map((e) => e.path);
    expect(paths).toContain('actions[0]');
    expect(result.errors.find((e) => e.path === 'actions[0]')!.message).toContain('titel');
    expect(paths.some((p) => p.includes('params'))).toBe(false);
  });

  it('refuse parameters both beside type and in params', () => {
    const result = validatePlan(
      plan({ type: 'send_sms', to: ['+14155550123'], params: { message: 'hi' } }),
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          path: 'actions[0].params',
          message:
            'give the parameters either in params or beside type, not both (beside type: to)',
        },
      ],
    });
  });

  it('book a meeting with no attendees, a block in the user’s own calendar', () => {
    expect(
      validatePlan(plan({ type: 'book_meeting', title: 'Focus', time: '2026-01-13T09:00:00' })).ok,
    ).toBe(true);
  });

  it('refuse an email chained to a meeting with nobody in it and no user to go to, saying why', () => {
    const result = validatePlan(
      plan(
        { type: 'book_meeting', title: 'Focus', time: '2026-01-13T09:00:00' },
        { type: 'send_email', use_result_from: 0, template: 'meeting_confirmation' },
      ),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      {
        path: 'actions[1].to',
        message:
          "step 1 (send_email): step 0 books a meeting with no attendees, so the email has nobody to go to; give to, or the plan's user_id (it then goes to that user's contact)",
      },
    ]);
  });

  it('accept it when the plan names its user, whose contact the email goes to', () => {
    const steps = [
      { type: 'book_meeting', title: 'Focus', time: '2026-01-13T09:00:00' },
      { type: 'send_email', use_result_from: 0, template: 'meeting_confirmation' },
    ];
    expect(validatePlan({ ...plan(...steps), user_id: 'alice' }).ok).toBe(true);
  });
});
