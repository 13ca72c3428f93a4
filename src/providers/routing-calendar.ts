import type { Kysely } from 'kysely';
import { ProviderConnectionError } from '../activities/errors';
import type { Database } from '../db/database';
import { findTenant } from '../tenants/tenants-repository';
import type { CalendarProvider } from './calendar-provider';

export interface RoutingCalendarConfig {
  db: Kysely<Database>;
  /** The built-in calendar in Postgres: the default. */
  builtin: CalendarProvider;
  /** Google Calendar, when the deployment has a Google OAuth client and ERRAND_ENCRYPTION_KEYS. */
  google?: CalendarProvider;
}

/**
 * Each call goes to the calendar its tenant chose (`providers.calendar`),
 * read at each call so a change applies to the next step.
 */
export function createRoutingCalendar(config: RoutingCalendarConfig): CalendarProvider {
  const pick = async (tenantId: string): Promise<CalendarProvider> => {
    const tenant = await findTenant(config.db, tenantId);
    if ((tenant?.settings.providers.calendar ?? 'builtin') === 'builtin') return config.builtin;
    if (!config.google) {
      throw new ProviderConnectionError(
        'the tenant chose Google for its calendar, but this deployment has no Google OAuth client ' +
          '(ERRAND_GOOGLE_*) or no ERRAND_ENCRYPTION_KEYS; set them, or set providers.calendar to "builtin"',
      );
    }
    return config.google;
  };
  return {
    book: async (request) => (await pick(request.tenant_id)).book(request),
    update: async (request) => (await pick(request.tenant_id)).update(request),
    cancel: async (request) => (await pick(request.tenant_id)).cancel(request),
    restore: async (request) => (await pick(request.tenant_id)).restore(request),
    busy: async (tenantId, from, to, calendars) =>
      (await pick(tenantId)).busy(tenantId, from, to, calendars),
    find: async (tenantId, query, limit) => (await pick(tenantId)).find(tenantId, query, limit),
    list: async (tenantId, filter) => (await pick(tenantId)).list(tenantId, filter),
  };
}
