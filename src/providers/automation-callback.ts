import { z } from 'zod';
import type { KeyRing } from '../crypto/key-ring';
import { signToken, verifyToken } from '../crypto/signed-token';

/** Where an automation reports back: this path and the step's token. */
export const AUTOMATION_CALLBACK_PATH = '/v1/automations/callbacks';

/** A callback stays good a day past the step's deadline, so a late one is told it is late, not forged. */
const GRACE_MS = 24 * 3600_000;

const PURPOSE = 'errand automation callback v1';

/** The one step of one plan a callback URL may complete. */
export interface CallbackClaims {
  tenantId: string;
  planId: string;
  /** The workflow of the attempt that is waiting (a retry runs under its own). */
  workflowId: string;
  step: number;
  expiresAt: Date;
}

/** Why a callback was refused: a token Errand did not sign, or one past its time. */
export class CallbackTokenError extends Error {
  override name = 'CallbackTokenError';
}

const claimsSchema = z.strictObject({
  v: z.literal(1),
  t: z.string().min(1).max(200),
  p: z.string().min(1).max(200),
  w: z.string().min(1).max(1000),
  s: z.int().min(0).max(10_000),
  e: z.int().positive(),
  k: z.string().min(1).max(64),
});

/**
 * The URL an automation calls when it is done: a capability for one step,
 * signed with the key ring, like a resume URL in n8n. It expires a day after
 * the step stops waiting.
 */
export function automationCallbackUrl(
  ring: KeyRing,
  base: string,
  claims: Omit<CallbackClaims, 'expiresAt'> & { deadline: Date },
): { url: string; expires_at: string } {
  const expiresAt = new Date(claims.deadline.getTime() + GRACE_MS);
  const token = signToken(ring, PURPOSE, {
    v: 1,
    t: claims.tenantId,
    p: claims.planId,
    w: claims.workflowId,
    s: claims.step,
    e: expiresAt.getTime(),
  });
  return {
    url: `${base.replace(/\/$/, '')}${AUTOMATION_CALLBACK_PATH}/${token}`,
    expires_at: expiresAt.toISOString(),
  };
}

/** The step a callback token names; throws CallbackTokenError when it is forged or expired. */
export function verifyAutomationCallback(ring: KeyRing, token: string, now: Date): CallbackClaims {
  const claims = verifyToken(ring, PURPOSE, token, claimsSchema);
  if (!claims) throw new CallbackTokenError('the callback URL is not one Errand gave out');
  if (claims.e <= now.getTime()) {
    throw new CallbackTokenError('the callback URL has expired');
  }
  return {
    tenantId: claims.t,
    planId: claims.p,
    workflowId: claims.w,
    step: claims.s,
    expiresAt: new Date(claims.e),
  };
}
