import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/plan/action-types';

describe('the allowlist descriptions say what the built-in providers do', () => {
  it.each(['send_email', 'send_sms', 'initiate_call', 'start_campaign'] as const)(
    '%s: recorded in the outbox, not claimed as sent',
    (type) => {
      const { description } = ACTIONS[type];
      expect(description).toMatch(/^Records .* in the built-in outbox/);
      expect(description).toMatch(/until an? [\w ]+ provider is connected/);
      expect(description).not.toMatch(/^(Sends|Places|Starts)\b/);
    },
  );

  it('trigger_automation: posts to a configured webhook, else waits in the outbox', () => {
    expect(ACTIONS.trigger_automation.description).toMatch(/webhook.*built-in outbox/);
  });

  it('schedule_reminder: delivered into the outbox when due', () => {
    expect(ACTIONS.schedule_reminder.description).toMatch(/built-in outbox/);
  });
});
