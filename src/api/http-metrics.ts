import type { RequestHandler } from 'express';
import { httpDuration } from '../metrics/errand-metrics';
import { routeLabel } from '../metrics/route-label';

const METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
]);

/**
 * Times every request from its arrival to its connection's close (so a plan
 * stream counts once, when it ends), labelled by the route template it matched.
 */
export const httpMetrics: RequestHandler = (req, res, next) => {
  const began = process.hrtime.bigint();
  res.once('close', () => {
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    httpDuration.observe(
      {
        method: METHODS.has(req.method) ? req.method : 'other',
        route: routeLabel(req.baseUrl, (req.route as { path?: unknown } | undefined)?.path),
        status: String(res.statusCode),
      },
      seconds,
    );
  });
  next();
};
