import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { actorIsAdmin, createApiToken, listApiTokens, requireAdmin, requireSignedIn, revokeApiToken, setPassword, signIn } from '@envmgr/app';
import { json, raw, SESSION_COOKIE, type App, type AppEnv, type HttpDeps } from '../context.js';
import { problemResponses } from '../problems/responses.js';
import { declare } from '../access/route-permission.js';
import {
  ApiTokenSchema,
  CreatedTokenSchema,
  CredentialsSchema,
  NewTokenSchema,
  PasswordSchema,
  SecurityEventSchema,
  SignedInSchema,
  WhoAmISchema,
} from './identity-schemas.js';

const tags = ['Identity'];
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true as const });

export function registerIdentityRoutes(app: App, deps: HttpDeps): void {
  const ctx = (c: Context<AppEnv>) => ({ actor: c.get('actor'), requestId: c.get('requestId'), address: deps.clientAddress?.(c) });
  const credentials = (c: Context<AppEnv>, v: { username: string; password: string }) =>
    signIn(deps.identity, { ...v, address: deps.clientAddress?.(c), requestId: c.get('requestId') });

  app.openapi(
    createRoute(declare('public', {
      method: 'post', path: '/api/v1/login', tags, operationId: 'login', security: [], summary: 'Sign in: sets the session cookie and returns a bearer token',
      request: { body: body(CredentialsSchema) },
      responses: { 200: ok('signed in', SignedInSchema), ...problemResponses(401, 409, 415, 429) },
    })),
    async (c) => {
      const s = await credentials(c, c.req.valid('json'));
      setCookie(c, SESSION_COOKIE, s.session, { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: deps.identity.sessionTtlSeconds, secure: c.req.url.startsWith('https:') });
      return json(200, { token: s.token, expiresInSeconds: s.expiresInSeconds, user: s.actor.user }, { 'set-cookie': c.res.headers.get('set-cookie') ?? '' });
    },
  );

  app.openapi(
    createRoute(declare('public', {
      method: 'post', path: '/api/v1/token', tags, operationId: 'token', security: [], summary: 'Exchange a user name and password for a bearer token (pipelines)',
      request: { body: body(CredentialsSchema) },
      responses: { 200: ok('a short-lived bearer token', SignedInSchema), ...problemResponses(401, 409, 415, 429) },
    })),
    async (c) => {
      const s = await credentials(c, c.req.valid('json'));
      return json(200, { token: s.token, expiresInSeconds: s.expiresInSeconds, user: s.actor.user });
    },
  );

  app.openapi(
    createRoute(declare('public', {
      method: 'post', path: '/api/v1/logout', tags, operationId: 'logout', security: [], summary: 'Sign out: clears the session cookie',
      responses: { 204: { description: 'signed out' }, ...problemResponses(415) },
    })),
    (c) => {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return raw(new Response(null, { status: 204, headers: { 'set-cookie': c.res.headers.get('set-cookie') ?? '' } }));
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/whoami', tags, operationId: 'whoami', summary: 'The signed-in actor and its permissions',
      responses: { 200: ok('the actor', WhoAmISchema), ...problemResponses(401) },
    }),
    (c) => {
      const a = c.get('actor');
      requireSignedIn(a);
      return json(200, { name: a.name, kind: a.kind, user: a.user, isAdmin: actorIsAdmin(a), permissions: a.permissions, tokenPermissions: a.tokenPermissions });
    },
  );

  app.openapi(
    createRoute(declare('signed-in', {
      method: 'post', path: '/api/v1/tokens', tags, operationId: 'createApiToken', summary: 'Create an API token (its secret is shown once)',
      request: { body: body(NewTokenSchema) },
      responses: { 201: ok('the token, with its secret', CreatedTokenSchema), ...problemResponses(401, 403, 415) },
    })),
    async (c) => {
      const v = c.req.valid('json');
      const created = await createApiToken(deps.identity, ctx(c), { name: v.name, expiresInDays: v.expiresInDays, permissions: (v.permissions) ?? null });
      return json(201, { ...created.record, token: created.token });
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/tokens', tags, operationId: 'listApiTokens', summary: "Your API tokens (administrators: anyone's)",
      request: { query: z.object({ owner: z.string().min(1).max(256).optional() }) },
      responses: { 200: ok('tokens, newest first, without secrets', z.array(ApiTokenSchema)), ...problemResponses(401, 403) },
    }),
    async (c) => json(200, await listApiTokens(deps.identity, c.get('actor'), c.req.valid('query').owner)),
  );

  app.openapi(
    createRoute(declare('signed-in', {
      method: 'delete', path: '/api/v1/tokens/{id}', tags, operationId: 'revokeApiToken', summary: 'Revoke an API token',
      request: { params: z.object({ id: z.string().min(1).max(64) }) },
      responses: { 204: { description: 'revoked' }, ...problemResponses(401, 404) },
    })),
    async (c) => {
      await revokeApiToken(deps.identity, ctx(c), c.req.valid('param').id);
      return raw(new Response(null, { status: 204 }));
    },
  );

  app.openapi(
    createRoute(declare('signed-in', {
      method: 'put', path: '/api/v1/users/{user}/password', tags, operationId: 'setPassword', summary: "Set a local user's password (the user or an administrator)",
      request: { params: z.object({ user: z.string().min(1).max(128) }), body: body(PasswordSchema) },
      responses: { 204: { description: 'set' }, ...problemResponses(401, 403, 404, 415) },
    })),
    async (c) => {
      await setPassword(deps.identity, ctx(c), { user: c.req.valid('param').user, password: c.req.valid('json').password });
      return raw(new Response(null, { status: 204 }));
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/security-events', tags, operationId: 'listSecurityEvents', summary: 'Sign-ins, tokens and passwords, newest first (administrators)',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }) },
      responses: { 200: ok('events', z.array(SecurityEventSchema)), ...problemResponses(401, 403) },
    }),
    async (c) => {
      requireAdmin(c.get('actor'), 'read security events');
      return json(200, await deps.identity.credentials.listSecurityEvents({ limit: c.req.valid('query').limit }));
    },
  );
}
