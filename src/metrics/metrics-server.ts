import { createServer, type Server } from 'node:http';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { mayReadMetrics, METRICS_REFUSAL, type MetricsAccess } from './metrics-access';
import { METRICS_CONTENT_TYPE, scrapeMetrics } from './scrape-metrics';

/**
 * A standalone worker's own /metrics (ERRAND_WORKER_METRICS_PORT): the steps, plans and
 * deliveries it ran are counted in its process, so it is scraped by itself, guarded as the API's.
 */
export async function startMetricsServer(options: {
  host: string;
  port: number;
  db: Kysely<Database>;
  access: MetricsAccess;
}): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { code: 'not_found', message: 'only GET /metrics', details: [] } }),
      );
      return;
    }
    if (!mayReadMetrics(req.headers.authorization, options.access)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
      res.end(JSON.stringify(METRICS_REFUSAL));
      return;
    }
    scrapeMetrics(options.db).then(
      (text) => {
        res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' });
        res.end(text);
      },
      () => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { code: 'internal', message: 'metrics failed', details: [] } }),
        );
      },
    );
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}
