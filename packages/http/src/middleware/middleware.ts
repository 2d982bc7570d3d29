import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { ANONYMOUS, UnauthenticatedError } from '@envmgr/domain';
import { authenticate as authenticateRequest } from '@envmgr/app';
import { SESSION_COOKIE, type App, type AppEnv, type HttpDeps } from '../context.js';
import { hasRoute } from './method-not-allowed.js';
import { problem } from '../problems/problem.js';
import { problemResponse } from '../problems/respond.js';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes a well-formed `X-Request-Id` from the caller (so pipelines can correlate) or makes one. */
export function requestId(deps: Pick<HttpDeps, 'ids'>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const id = given && CLIENT_REQUEST_ID.test(given) ? given : deps.ids.next();
    c.set('requestId', id);
    await next();
    c.res.headers.set('X-Request-Id', id);
  };
}

/** One structured log line per request. */
export function accessLog(deps: Pick<HttpDeps, 'logger'>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.info(
      { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round((performance.now() - started) * 10) / 10, actor: c.get('actor')?.name },
      'request',
    );
  };
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Writes take JSON only: anything else is a 415 before any parsing (unknown routes fall through to 404/405). */
export function requireJsonBody(appOf: () => App): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const hasBody = c.req.header('content-length') !== '0' && (c.req.header('content-length') !== undefined || c.req.header('transfer-encoding') !== undefined || c.req.raw.body !== null);
    if (['POST', 'PUT', 'PATCH'].includes(c.req.method) && hasBody && hasRoute(appOf(), c.req.method, c.req.path)) {
      const type = c.req.header('content-type') ?? '';
      if (!JSON_TYPE.test(type)) {
        return problemResponse(
          problem(415, 'unsupported-media-type', `the request body must be JSON: send Content-Type: application/json (got '${type.slice(0, 80) || 'none'}')`, c.get('requestId')),
        );
      }
    }
    return next();
  };
}

/** Refuses bodies larger than `maxBytes` with a 413 before reading them whole. */
export function limitBody(maxBytes: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c: Context<AppEnv>) =>
      problemResponse(problem(413, 'too-large', `the request body is larger than the limit of ${maxBytes} bytes`, c.get('requestId'), { limitBytes: maxBytes })),
  });
}

/** Sets the request's actor from `Authorization: Bearer` or the session cookie (anonymous without either). */
export function authenticate(deps: Pick<HttpDeps, 'authenticate' | 'identity'>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('actor', ANONYMOUS);
    const header = c.req.header('authorization');
    const bearer = header && /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '').trim() : undefined;
    try {
      c.set('actor', deps.authenticate ? await deps.authenticate(c) : await authenticateRequest(deps.identity, { bearer, session: getCookie(c, SESSION_COOKIE) }));
    } catch (err) {
      // refused credentials do not block public routes (a stale cookie must not prevent signing in again);
      // every route that needs a user answers 401 with this reason
      if (!(err instanceof UnauthenticatedError)) throw err;
      c.set('actor', { ...ANONYMOUS, refused: { code: err.code, message: err.message } });
    }
    await next();
  };
}
