import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { openApiDocument } from './openapi-document';

/**
 * GET /openapi.json: the API's OpenAPI 3.1 contract, built from the routes' zod
 * schemas once per process. GET /docs: Swagger UI (swagger-ui-express) over it,
 * its assets served from the package. Neither needs a key.
 */
export function openapiRoutes(): Router {
  const router = Router();
  let text: string | undefined;
  router.get('/openapi.json', (_req, res) => {
    text ??= JSON.stringify(openApiDocument());
    res.type('application/json').send(text);
  });
  // The page loads its assets and the document by relative URLs, so it is served at /docs/.
  const page = swaggerUi.setup(undefined, {
    swaggerUrl: '../openapi.json',
    customSiteTitle: 'Errand API',
  });
  router.get('/docs', (req, res, next) => {
    if (req.originalUrl.split('?')[0]!.endsWith('/')) page(req, res, next);
    else res.redirect(301, 'docs/');
  });
  router.use('/docs', swaggerUi.serve);
  return router;
}
