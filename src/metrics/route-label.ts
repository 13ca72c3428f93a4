/** The route label of a request no route matched (a 404, or refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Route templates longer than this are cut, so no template can make a huge label. */
const MAX_ROUTE_CHARS = 120;

/**
 * A request's route as a metrics label: the Express template it matched
 * (`/v1/plans/:id`, under its router's mount path), never the raw path, so the
 * number of series is bounded by the routes the API has. A route given as a
 * regular expression or a list of paths gets its first string form.
 */
export function routeLabel(baseUrl: string | undefined, routePath: unknown): string {
  const path = Array.isArray(routePath) ? routePath[0] : routePath;
  if (typeof path !== 'string' && !(path instanceof RegExp)) return UNMATCHED_ROUTE;
  const template = `${baseUrl ?? ''}${typeof path === 'string' ? path : String(path)}`;
  if (template === '') return '/';
  return template.length > MAX_ROUTE_CHARS ? template.slice(0, MAX_ROUTE_CHARS) : template;
}
