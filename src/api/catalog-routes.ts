import { Router } from 'express';
import { z } from 'zod';
import { actionParams } from '../plan/action-params';
import { ACTIONS, ACTION_TYPES } from '../plan/action-types';
import { stepConditions } from '../plan/plan-schema';

/** The allowlist, each type with the JSON Schema of its params. */
export function catalogRoutes(): Router {
  const router = Router();
  const catalog = {
    data: ACTION_TYPES.map((type) => ({
      type,
      description: ACTIONS[type].description,
      chainable_output: ACTIONS[type].produces,
      undo: ACTIONS[type].undo ?? 'not undoable: compensation leaves it as it is',
      undoable: ACTIONS[type].undo !== null,
      params_schema: z.toJSONSchema(actionParams[type], { io: 'input', unrepresentable: 'any' }),
    })),
    // Both ways of writing a step; plans are stored, shown and run in the nested one.
    step_forms: {
      nested: {
        type: 'book_meeting',
        params: { title: 'Demo', time: '2026-01-13T15:00:00', attendees: ['john@example.com'] },
      },
      flat: {
        type: 'book_meeting',
        title: 'Demo',
        time: '2026-01-13T15:00:00',
        attendees: ['john@example.com'],
      },
      note: 'parameters go either in params or beside type, not both; plans are stored in the nested form',
    },
    step_fields: {
      use_result_from: 'index of an earlier step whose output fills missing inputs',
      condition: stepConditions,
    },
  };
  router.get('/v1/actions', (_req, res) => {
    res.json(catalog);
  });
  return router;
}
