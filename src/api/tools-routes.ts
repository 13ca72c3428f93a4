import { Router } from 'express';
import { z } from 'zod';
import { actionParams } from '../plan/action-params';
import { ACTION_TYPES } from '../plan/action-types';
import { MAX_STEPS, failurePolicies } from '../plan/plan-schema';
import { simplifySchema, stepJsonSchema } from '../planner/plan-json-schema';

/**
 * Function-tool definitions in OpenAI's `tools` format, generated from the same
 * zod allowlist validatePlan uses, so an assistant can call Errand without
 * hand-writing schemas: `execute_action_plan`'s arguments are a POST /v1/plans
 * body; `schedule_reminder`'s are one reminder step's params.
 */
export function toolDefinitions() {
  return [
    {
      type: 'function' as const,
      function: {
        name: 'execute_action_plan',
        description:
          'Run an ordered plan of allowlisted actions (book, update or cancel meetings, check ' +
          'availability, send email or SMS, schedule reminders, calls, campaigns, automations) ' +
          'as one durable workflow. Send the arguments as the body of POST /v1/plans.',
        parameters: {
          type: 'object',
          properties: {
            intent: { type: 'string', description: "The user's request, in their words." },
            timezone: { type: 'string', description: 'IANA zone for times without an offset.' },
            on_failure: { type: 'string', enum: [...failurePolicies] },
            require_approval: { type: 'boolean' },
            actions: {
              type: 'array',
              minItems: 1,
              maxItems: MAX_STEPS,
              items: { anyOf: ACTION_TYPES.map(stepJsonSchema) },
            },
          },
          required: ['intent', 'actions'],
          additionalProperties: false,
        },
      },
    },
    {
      type: 'function' as const,
      function: {
        name: 'schedule_reminder',
        description:
          'Remind someone at a time (ISO-8601 `at`). Send it to POST /v1/plans as ' +
          '{"intent": ..., "actions": [{"type": "schedule_reminder", "params": <arguments>}]}.',
        parameters: simplifySchema(
          z.toJSONSchema(actionParams.schedule_reminder, { io: 'input', unrepresentable: 'any' }),
        ),
      },
    },
  ];
}

/** GET /v1/tools: the definitions above, for any key of the tenant. */
export function toolsRoutes(): Router {
  const router = Router();
  const body = { tools: toolDefinitions() };
  router.get('/v1/tools', (_req, res) => {
    res.json(body);
  });
  return router;
}
