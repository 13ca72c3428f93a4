import { isGrpcServiceError } from '@temporalio/client';
import { HttpError } from './http-error';

// gRPC status codes UNAVAILABLE and DEADLINE_EXCEEDED (@grpc/grpc-js is not a direct dependency).
const UNREACHABLE: ReadonlySet<number> = new Set([14, 4]);

/** True when the error, or one of its causes, says Temporal could not be reached in time. */
export function isTemporalUnavailable(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (isGrpcServiceError(e) && UNREACHABLE.has(e.code)) return true;
  }
  return false;
}

/** 503 for a Temporal that cannot be reached; the error middleware keeps its detail in the log. */
export const temporalUnavailable = (cause: unknown) => {
  const error = new HttpError(503, 'temporal_unavailable', 'Temporal is unavailable');
  error.cause = cause;
  return error;
};
