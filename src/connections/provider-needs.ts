import type { GoogleService } from '../providers/google-config';
import type { TenantSettings } from '../tenants/tenant-settings';
import type { ConnectionProvider } from './connections-repository';

/** A provider choice that works only with a connection: which one, and for Google which grant. */
export interface ConnectionNeed {
  /** The setting that makes the choice, e.g. `providers.email`. */
  path: string;
  choice: string;
  provider: ConnectionProvider;
  /** For Google: the service whose scopes the grant must include. */
  service?: GoogleService;
}

/** The connections a tenant's provider choices depend on. */
export function connectionNeeds(providers: TenantSettings['providers']): ConnectionNeed[] {
  const needs: ConnectionNeed[] = [];
  if (providers.email === 'sendgrid') {
    needs.push({ path: 'providers.email', choice: 'sendgrid', provider: 'sendgrid' });
  }
  if (providers.email === 'gmail') {
    needs.push({ path: 'providers.email', choice: 'gmail', provider: 'google', service: 'gmail' });
  }
  if (providers.calendar === 'google') {
    needs.push({
      path: 'providers.calendar',
      choice: 'google',
      provider: 'google',
      service: 'calendar',
    });
  }
  return needs;
}
