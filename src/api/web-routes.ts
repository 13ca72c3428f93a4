import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router, type Response } from 'express';

/**
 * Where the page's files are: `web/` beside this module in the compiled server
 * (`dist/server.js` finds `dist/web`, which `npm run build` copies), else the
 * sources' `src/api/web` (under tsx this module is `src/api/web-routes.ts`).
 */
export function webDirectory(moduleUrl = import.meta.url): string {
  const here = path.dirname(fileURLToPath(moduleUrl));
  const candidates = [path.join(here, 'web'), path.join(here, '..', 'src', 'api', 'web')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (!found) throw new Error(`the approvals page's files are in none of ${candidates.join(', ')}`);
  return found;
}

/** The page runs only its own files and talks only to this API. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  /** Its content hash, which the page's references carry as ?v=, so a browser may keep it. */
  version: string;
}

const ASSETS = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
} as const;

const hashOf = (body: Buffer | string) =>
  createHash('sha256').update(body).digest('base64url').slice(0, 16);

function asset(body: Buffer, type: string): Asset {
  const version = hashOf(body);
  return { body, type, etag: `"${version}"`, version };
}

/**
 * The approvals and history page: GET / and its script and styles under /ui/.
 * Nothing here is authenticated: the page holds no data until the user signs in
 * with a key, which the script then sends to /v1 like any other client.
 */
export function webRoutes(dir = webDirectory()): Router {
  const router = Router();
  const assets = new Map<string, Asset>(
    Object.entries(ASSETS).map(([name, type]) => [
      name,
      asset(readFileSync(path.join(dir, name)), type),
    ]),
  );
  // The page names each file with its hash, so a new release is fetched at once.
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8').replace(
    /\/ui\/(app\.(?:js|css))/g,
    (ref, name: string) => `${ref}?v=${assets.get(name)?.version ?? ''}`,
  );
  const page = asset(Buffer.from(html), 'text/html; charset=utf-8');

  const send = (
    req: { method: string; header(name: string): string | undefined },
    res: Response,
    a: Asset,
    cache: string,
  ) => {
    res.set({
      'content-type': a.type,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cache-control': cache,
      etag: a.etag,
    });
    const seen = req.header('if-none-match');
    if (seen && seen.split(',').some((tag) => tag.trim().replace(/^W\//, '') === a.etag)) {
      res.status(304).end();
      return;
    }
    res.set('content-length', String(a.body.length));
    if (req.method === 'HEAD') res.end();
    else res.end(a.body);
  };

  router.get(['/', '/index.html'], (req, res) => send(req, res, page, 'no-cache'));
  router.get('/ui/:file', (req, res, next) => {
    const a = assets.get(req.params.file);
    if (!a) return next();
    // Named with its hash: the same URL is always the same bytes. Otherwise revalidate.
    const cache = req.query.v === a.version ? 'public, max-age=31536000, immutable' : 'no-cache';
    send(req, res, a, cache);
  });
  return router;
}
