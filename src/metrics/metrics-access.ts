import { sameSecret } from '../auth/api-key';

/** Who may read /metrics: the metrics token or the operator key, as a bearer value. */
export interface MetricsAccess {
  /** ERRAND_METRICS_TOKEN. */
  token?: string;
  /** ERRAND_OPERATOR_KEY. */
  operatorKey?: string;
  pepper: string;
}

/** True when the Authorization header carries one of the allowed secrets; compared in constant time. */
export function mayReadMetrics(authorization: string | undefined, access: MetricsAccess): boolean {
  const presented = /^Bearer ([^\s]+)$/.exec(authorization ?? '')?.[1];
  if (!presented) return false;
  return [access.token, access.operatorKey].some(
    (secret) => secret !== undefined && sameSecret(presented, secret, access.pepper),
  );
}

/** The 401 body, in the API's error shape. */
export const METRICS_REFUSAL = {
  error: {
    code: 'unauthenticated',
    message: 'metrics need Authorization: Bearer <ERRAND_METRICS_TOKEN or the operator key>',
    details: [],
  },
};
