import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import type { KeyRing } from '../crypto/key-ring';
import { PAYLOAD_LIMITS, boundedObject } from '../plan/context-schema';
import {
  AUTOMATION_CALLBACK_PATH,
  CallbackTokenError,
  verifyAutomationCallback,
} from '../providers/automation-callback';
import { completeAutomation } from '../workflows/definitions';
import { HttpError } from './http-error';
import { parseBody } from './parse-body';
import { updateRefusal } from './update-refusal';

export interface AutomationCallbackRoutesDeps {
  temporal: Client;
  keyRing?: KeyRing;
  now: () => Date;
}

export const report = z.strictObject({
  status: z.enum(['succeeded', 'failed']).default('succeeded'),
  result: boundedObject('result', PAYLOAD_LIMITS).optional(),
  error: z.string().max(2000).optional(),
});

/**
 * Where an automation started with await_completion reports back (an n8n
 * workflow's last HTTP node, say). No API key: the URL is the credential, a
 * token signed with the key ring that names one step of one tenant's plan and
 * expires. The report goes to the waiting workflow as the completeAutomation
 * Update, which refuses it unless that step is waiting: a second or late
 * report is a 409 and changes nothing.
 */
export function automationCallbackRoutes(deps: AutomationCallbackRoutesDeps): Router {
  const router = Router();
  router.post(`${AUTOMATION_CALLBACK_PATH}/:token`, async (req, res) => {
    if (!deps.keyRing) throw refusedToken('this deployment signs no callback URLs');
    let claims;
    try {
      claims = verifyAutomationCallback(deps.keyRing, String(req.params.token), deps.now());
    } catch (err) {
      if (err instanceof CallbackTokenError) throw refusedToken(err.message);
      throw err;
    }
    const body = parseBody(report, req.body ?? {});
    try {
      await deps.temporal.workflow.getHandle(claims.workflowId).executeUpdate(completeAutomation, {
        args: [{ step: claims.step, ...body }],
      });
    } catch (err) {
      throw refusal(err);
    }
    res.json({ plan_id: claims.planId, step: claims.step, status: body.status });
  });
  return router;
}

const refusedToken = (message: string) => new HttpError(401, 'invalid_callback', message);

const refusal = (err: unknown) =>
  updateRefusal(
    err,
    { code: 'not_waiting', message: 'the step is not waiting for the automation to report back' },
    () => new HttpError(409, 'plan_ended', 'the plan is no longer running'),
  );
