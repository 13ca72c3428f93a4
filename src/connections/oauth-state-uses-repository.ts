import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { OAuthStateError, type OAuthStateClaims } from './oauth-state';

/**
 * Marks a verified state used; throws OAuthStateError when it was used
 * before, so a consent link works once. Expired uses are cleared first: their
 * states are refused by their signed expiry anyway, so the table stays small.
 */
export async function useOAuthState(
  db: Kysely<Database>,
  claims: OAuthStateClaims,
  now: Date,
): Promise<void> {
  await db.deleteFrom('oauth_state_uses').where('expires_at', '<', now).execute();
  const inserted = await db
    .insertInto('oauth_state_uses')
    .values({ nonce: claims.nonce, tenant_id: claims.tenantId, expires_at: claims.expiresAt })
    .onConflict((oc) => oc.column('nonce').doNothing())
    .returning('nonce')
    .executeTakeFirst();
  if (!inserted) throw new OAuthStateError('this consent link was already used; ask for a new one');
}
