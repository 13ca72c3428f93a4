import type { Kysely } from 'kysely';
import { ProviderConnectionError } from '../activities/errors';
import type { Database } from '../db/database';
import { findTenant } from '../tenants/tenants-repository';
import type { MessageSender } from './messages';

export interface RoutingSenderConfig {
  db: Kysely<Database>;
  /** The built-in outbox: every family's default. */
  outbox: MessageSender;
  /** SendGrid, when the deployment can open tenants' connections (ERRAND_ENCRYPTION_KEYS is set). */
  sendgrid?: MessageSender;
  /** Gmail, when the deployment also has a Google OAuth client (ERRAND_GOOGLE_*). */
  gmail?: MessageSender;
}

const NAMES = { sendgrid: 'SendGrid', gmail: 'Gmail' } as const;
const NEEDS = {
  sendgrid: 'ERRAND_ENCRYPTION_KEYS to open its connection',
  gmail: 'Google OAuth client (ERRAND_GOOGLE_*) and ERRAND_ENCRYPTION_KEYS',
} as const;

/**
 * Sends each message through the provider its tenant chose in settings
 * (`providers.email`, …), read at each send so a change applies to the next
 * message; SMS, calls, campaigns and the rest stay in the outbox.
 */
export function createRoutingSender(config: RoutingSenderConfig): MessageSender {
  return {
    async send(message) {
      if (message.channel !== 'email') return config.outbox.send(message);
      const tenant = await findTenant(config.db, message.tenant_id);
      const choice = tenant?.settings.providers.email ?? 'outbox';
      if (choice === 'outbox') return config.outbox.send(message);
      const sender = config[choice];
      if (!sender) {
        throw new ProviderConnectionError(
          `the tenant chose ${NAMES[choice]} for email, but this deployment has no ${NEEDS[choice]}; ` +
            'set them, or set providers.email to "outbox"',
        );
      }
      return sender.send(message);
    },
  };
}
