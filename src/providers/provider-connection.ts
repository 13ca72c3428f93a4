import type { Kysely } from 'kysely';
import { ProviderConnectionError } from '../activities/errors';
import {
  openConnection,
  type ConnectionProvider,
  type OpenedConnection,
} from '../connections/connections-repository';
import type { KeyRing } from '../crypto/key-ring';
import type { Database } from '../db/database';

/** How a provider is named in the messages that tell a tenant's admin what to fix. */
export interface ProviderNames {
  /** "SendGrid" */
  label: string;
  /** What is sealed: "key", "auth token". */
  secret: string;
  /** What the tenant chose it for: "email", "SMS". */
  chosenFor: string;
  /** The settings field that chose it: "email", "sms", "call". */
  setting: string;
}

/**
 * The tenant's connection to `provider`, opened, with its config read by
 * `readConfig`; a step that cannot have them fails with a ProviderConnectionError
 * saying what to put right.
 */
export async function openProviderConnection<C>(
  input: { db: Kysely<Database>; keyRing: KeyRing; tenantId: string },
  provider: ConnectionProvider,
  names: ProviderNames,
  readConfig: (config: OpenedConnection['config']) => C | undefined,
): Promise<{ connection: OpenedConnection; settings: C }> {
  const connection = await openConnection(input.db, input.keyRing, input.tenantId, provider).catch(
    () => {
      throw new ProviderConnectionError(
        `the tenant's ${names.label} ${names.secret} cannot be opened with this deployment's ERRAND_ENCRYPTION_KEYS; ` +
          `put it again with PUT /v1/connections/${provider}`,
      );
    },
  );
  const settings = connection && readConfig(connection.config);
  if (!connection || !settings) {
    throw new ProviderConnectionError(
      `the tenant chose ${names.label} for ${names.chosenFor} but has no ${names.label} connection; ` +
        `connect it with PUT /v1/connections/${provider} or set providers.${names.setting} to "outbox"`,
    );
  }
  return { connection, settings };
}
