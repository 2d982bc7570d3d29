import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { MiddlewareHandler } from 'hono';
import type { App, AppEnv } from '../context.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

// The app and its assets come from this origin only; axe and other tooling inject scripts with CSP bypassed.
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Environment Manager</title></head>
<body><main><h1>Environment Manager</h1><p>The web UI is not built. Run <code>npm run build</code>, then restart the server.
The API is at <a href="/docs">/docs</a>.</p></main></body></html>`;

/** Paths the API and its docs own: never answered with the web app, so their 404/405 problems stay intact. */
function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/docs' || path.startsWith('/docs/');
}

/**
 * Serves the built web UI (apps/web/dist) at `/`: its files, and `index.html` for any other path so that client-side
 * routes survive a reload. Static files are public (the app signs in through the API); the API keeps its own checks.
 * Files under `assets/` carry a content hash in their names, so they may be cached for good.
 */
export function registerWebRoutes(app: App, opts: { root: string }): void {
  const root = resolve(opts.root);
  app.use('*', serveWeb(root));
}

function serveWeb(root: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || isApiPath(c.req.path)) return next();
    const file = await fileFor(root, c.req.path);
    if (file) {
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const immutable = file.startsWith(join(root, 'assets') + sep);
      const headers: Record<string, string> = { 'content-type': type, 'x-content-type-options': 'nosniff', 'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' };
      if (type.startsWith('text/html')) Object.assign(headers, { 'content-security-policy': CSP, 'referrer-policy': 'same-origin' });
      return c.body(await readFile(file), 200, headers);
    }
    // a missing asset is a 404; any other path is a route of the app, answered by its page
    if (/\.[a-z0-9]+$/i.test(c.req.path)) return next();
    const index = join(root, 'index.html');
    const page = (await isFile(index)) ? await readFile(index, 'utf8') : NOT_BUILT;
    return c.body(page, 200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'content-security-policy': CSP,
      'referrer-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
    });
  };
}

/** The file a URL path names inside `root`, or undefined (also for any path that would leave `root`). */
async function fileFor(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded === '/' || decoded.endsWith('/')) return undefined;
  const file = resolve(root, `.${decoded}`);
  if (!file.startsWith(root + sep)) return undefined;
  return (await isFile(file)) ? file : undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
