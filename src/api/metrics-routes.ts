import express from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { mayReadMetrics, METRICS_REFUSAL, type MetricsAccess } from '../metrics/metrics-access';
import { METRICS_CONTENT_TYPE, scrapeMetrics } from '../metrics/scrape-metrics';

/**
 * `GET /metrics`: Prometheus text for the deployment, not a tenant, so no tenant key reads it;
 * only the metrics token or the operator key.
 */
export function metricsRoutes(deps: { db: Kysely<Database>; access: MetricsAccess }) {
  const router = express.Router();
  router.get('/metrics', async (req, res, next) => {
    try {
      if (!mayReadMetrics(req.header('authorization'), deps.access)) {
        res
          .status(401)
          .set('www-authenticate', 'Bearer')
          .json({ ...METRICS_REFUSAL, error: { ...METRICS_REFUSAL.error, request_id: req.id } });
        return;
      }
      const text = await scrapeMetrics(deps.db);
      res.set('content-type', METRICS_CONTENT_TYPE).set('cache-control', 'no-store').send(text);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
