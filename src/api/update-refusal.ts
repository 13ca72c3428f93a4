import { HttpError } from './http-error';
import { isTemporalUnavailable, temporalUnavailable } from './temporal-unavailable';

/**
 * What an Update sent to a plan's workflow answers when it does not take:
 * 503 when Temporal is unreachable, a 409 with the validator's words when the
 * workflow refused it (`refused` says what to call it), `ended()` when the
 * workflow is gone or finished; any other error as it is.
 */
export function updateRefusal(
  err: unknown,
  refused: { code: string; message: string },
  ended: () => HttpError,
): unknown {
  if (isTemporalUnavailable(err)) return temporalUnavailable(err);
  const name = (err as Error).name;
  if (name === 'WorkflowUpdateFailedError') {
    const cause = (err as Error).cause as Error | undefined;
    return new HttpError(409, refused.code, cause?.message ?? refused.message);
  }
  if (name === 'WorkflowNotFoundError' || /already completed/i.test((err as Error).message)) {
    return ended();
  }
  return err;
}
