import type { Kysely } from 'kysely';
import { ProviderConnectionError } from '../activities/errors';
import type { Database } from '../db/database';
import { findTenant } from '../tenants/tenants-repository';
import type { MessageSender, OutgoingMessage } from './messages';

export interface RoutingSenderConfig {
  db: Kysely<Database>;
  /** The built-in outbox: every family's default. */
  outbox: MessageSender;
  /** SendGrid, when the deployment can open tenants' connections (ERRAND_ENCRYPTION_KEYS is set). */
  sendgrid?: MessageSender;
  /** Gmail, when the deployment also has a Google OAuth client (ERRAND_GOOGLE_*). */
  gmail?: MessageSender;
  /** Twilio for SMS and calls, under the same condition. */
  twilio?: MessageSender;
}

const NAMES = { sendgrid: 'SendGrid', gmail: 'Gmail' } as const;
const NEEDS = {
  sendgrid: 'ERRAND_ENCRYPTION_KEYS to open its connection',
  gmail: 'Google OAuth client (ERRAND_GOOGLE_*) and ERRAND_ENCRYPTION_KEYS',
} as const;

/**
 * Sends each message through the provider its tenant chose in settings
 * (`providers.email`, …), read at each send so a change applies to the next
 * message; campaigns and the rest stay in the outbox.
 */
export function createRoutingSender(config: RoutingSenderConfig): MessageSender {
  return {
    async send(message) {
      if (message.channel === 'sms' || message.channel === 'call') {
        return sendPhone(config, message);
      }
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

/** SMS and calls by `providers.sms` and `providers.call`. */
async function sendPhone(config: RoutingSenderConfig, message: OutgoingMessage) {
  const family = message.channel as 'sms' | 'call';
  const tenant = await findTenant(config.db, message.tenant_id);
  const choice = tenant?.settings.providers[family] ?? 'outbox';
  if (choice === 'outbox') return config.outbox.send(message);
  if (!config.twilio) {
    throw new ProviderConnectionError(
      `the tenant chose Twilio for ${family}, but this deployment has no ERRAND_ENCRYPTION_KEYS to open ` +
        `its connection; set them, or set providers.${family} to "outbox"`,
    );
  }
  return config.twilio.send(message);
}
