import type { Kysely } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { HttpError } from '../api/http-error';
import type { Database } from '../db/database';
import { acceptedSecrets, findInboundSecret } from '../tenants/inbound-secrets-repository';
import { findTenant, type Tenant } from '../tenants/tenants-repository';

/** The Standard Webhooks libraries' own tolerance, so a sender using one is never refused for skew. */
export const TOLERANCE_SECONDS = 5 * 60;

export const TENANT_HEADER = 'errand-tenant';

const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const MESSAGE_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

/** Every failure looks the same, so a caller learns nothing of which tenants exist. */
export const unsigned = () =>
  new HttpError(
    401,
    'invalid_signature',
    "the request is not signed with the tenant's inbound secret within the last 5 minutes (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature)",
  );

export interface VerifiedInbound {
  tenant: Tenant;
  messageId: string;
}

/**
 * Checks a Standard Webhooks signature over the raw body under the tenant's
 * inbound secret (or the one a rotation replaced, in its grace). The
 * timestamp is checked against the injected clock here as well as by the
 * library, which reads the machine's.
 */
export async function verifyInbound(
  db: Kysely<Database>,
  headers: { tenant?: string; id?: string; timestamp?: string; signature?: string },
  body: Buffer,
  now: Date,
): Promise<VerifiedInbound> {
  const { tenant: tenantId, id, timestamp, signature } = headers;
  if (!tenantId || !id || !timestamp || !signature) throw unsigned();
  if (!TENANT_ID.test(tenantId) || !MESSAGE_ID.test(id) || !/^\d{1,12}$/.test(timestamp)) {
    throw unsigned();
  }
  if (signature.length > 2000) throw unsigned();
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) throw unsigned();
  const tenant = await findTenant(db, tenantId);
  const secret = tenant && (await findInboundSecret(db, tenant.id, now));
  if (!tenant || !secret) throw unsigned();
  const signed = {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': signature,
  };
  for (const key of acceptedSecrets(secret)) {
    try {
      new Webhook(key).verify(body, signed, { jsonParse: false });
      return { tenant, messageId: id };
    } catch {
      // Not this secret; the replaced one may still be in its grace.
    }
  }
  throw unsigned();
}
