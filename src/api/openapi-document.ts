import { z } from 'zod';
import {
  createDocument,
  type oas31,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { errorBody } from './openapi/common-schemas';
import { ROUTES, type Caller, type RouteSpec } from './openapi/route-table';

/** The document createDocument builds. */
export type OpenApiDocument = ReturnType<typeof createDocument>;

/** Express's `/v1/plans/:id` as OpenAPI's `/v1/plans/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

const SECURITY: Record<Caller, oas31.SecurityRequirementObject[]> = {
  tenant: [{ apiKey: [] }],
  operator: [{ operatorKey: [] }],
  'tenant-or-operator': [{ apiKey: [] }, { operatorKey: [] }],
  metrics: [{ metricsToken: [] }, { operatorKey: [] }],
  public: [],
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorBody } },
});

function responsesOf(route: RouteSpec, path: string): ZodOpenApiResponsesObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const r of route.responses) {
    responses[String(r.status) as `${1 | 2 | 3 | 4 | 5}${string}`] = {
      description: r.description,
      ...(r.schema
        ? {
            content: Object.fromEntries(
              Object.entries({ [r.type ?? 'application/json']: r.schema, ...r.also }).map(
                ([type, schema]) => [type, { schema }],
              ),
            ),
          }
        : {}),
    };
  }
  if (route.body || route.query || route.headers)
    responses['400'] = errorResponse('The request is invalid: `details` names every bad field');
  if (route.caller !== 'public') {
    responses['401'] = errorResponse('No valid credential (Authorization: Bearer <key>)');
    responses['403'] = errorResponse("The credential's role may not do this");
  }
  if (path.includes(':'))
    responses['404'] = errorResponse('Not found (or not the caller’s to see)');
  responses.default = errorResponse(
    'Any other error (409, 413, 415, 422, 429, 503, …), in the same shape',
  );
  return responses;
}

/** The path parameters of `path`: those the route describes, the rest plain strings. */
function pathParams(route: RouteSpec, path: string): z.ZodObject | undefined {
  const names = [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  if (!names.length) return undefined;
  const given = route.path?.shape ?? {};
  return z.object(Object.fromEntries(names.map((n) => [n, given[n] ?? z.string()])));
}

function operationOf(key: string, route: RouteSpec): ZodOpenApiOperationObject {
  const path = key.slice(key.indexOf(' ') + 1);
  const params = pathParams(route, path);
  return {
    operationId: key
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_|_$/g, '')
      .toLowerCase(),
    summary: route.summary,
    tags: [route.tag],
    security: SECURITY[route.caller],
    requestParams: {
      ...(params ? { path: params } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.headers ? { header: route.headers } : {}),
    },
    ...(route.body
      ? {
          requestBody: {
            required: route.body.required ?? true,
            content: Object.fromEntries(
              Object.entries(route.body.content).map(([type, schema]) => [type, { schema }]),
            ),
          },
        }
      : {}),
    responses: responsesOf(route, path),
  };
}

function pathsOf(routes: Readonly<Record<string, RouteSpec>>): ZodOpenApiPathsObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const [key, route] of Object.entries(routes)) {
    const [method, path] = key.split(' ') as [string, string];
    const item = (paths[openApiPath(path)] ??= {});
    (item as Record<string, ZodOpenApiOperationObject>)[method.toLowerCase()] = operationOf(
      key,
      route,
    );
  }
  return paths;
}

/** Builds the API's OpenAPI 3.1 document from the routes' own zod schemas. */
export function buildOpenApiDocument(): OpenApiDocument {
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Errand API',
        version: '0.1.0',
        description:
          'Durable action plans for AI assistants, on Temporal. Generated from the zod schemas ' +
          'the API validates requests with. Errors are always `{"error":{"code","message","details","request_id"}}`.',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description:
              "A tenant's API key (or, when the deployment verifies them, a JWT): `Authorization: Bearer <key>`.",
          },
          operatorKey: {
            type: 'http',
            scheme: 'bearer',
            description:
              "The deployment's operator key (ERRAND_OPERATOR_KEY): creates tenants and keys, runs the codec.",
          },
          metricsToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'ERRAND_METRICS_TOKEN, which may read /metrics.',
          },
        },
      },
      paths: pathsOf(ROUTES),
    },
    { allowEmptySchema: { custom: true } },
  );
}

let built: OpenApiDocument | undefined;

/** The document, built once per process. */
export function openApiDocument(): OpenApiDocument {
  built ??= buildOpenApiDocument();
  return built;
}
