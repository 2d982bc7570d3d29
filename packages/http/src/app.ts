import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DomainError } from '@envmgr/domain';
import type { App, AppEnv, HttpDeps } from './context.js';
import { accessLog, authenticate, limitBody, requestId, requireJsonBody } from './middleware/middleware.js';
import { problem, toProblem, validationProblem, zodProblems } from './problems/problem.js';
import { problemResponse } from './problems/respond.js';
import { registerConfigRoutes } from './config/config-routes.js';
import { registerExportImportRoutes } from './config/export-import-routes.js';
import { registerAuditRoutes } from './audit/audit-routes.js';
import { registerDiagnosticsRoutes } from './diagnostics/diagnostics-routes.js';
import { registerDocsRoutes } from './docs/docs-routes.js';
import { methodNotAllowed } from './middleware/method-not-allowed.js';
import { requireDeclaredBody } from './middleware/required-body.js';
import { registerIdentityRoutes } from './identity/identity-routes.js';
import { permissionGate } from './access/route-permission.js';
import { registerPolicyRoutes } from './identity/policy-routes.js';
import { isBinaryUploadPath, registerPackageRoutes } from './packages/package-routes.js';
import { registerGroupRoutes } from './groups/group-routes.js';
import { registerServiceStateRoutes } from './service-state/service-state-routes.js';
import { registerEnvironmentOpsRoutes } from './environments/environment-ops-routes.js';
import { registerScheduleRoutes } from './scheduling/schedule-routes.js';
import { registerDeploymentRoutes } from './deployments/deployment-routes.js';
import { registerTrafficRoutes } from './traffic/traffic-routes.js';
import { registerSubscriptionRoutes } from './notifications/subscription-routes.js';
import { registerWebRoutes } from './web/web-routes.js';
import { registerBackupRoutes } from './backup/backup-routes.js';
import { registerReplicationRoutes } from './replication/replication-routes.js';
import { observeRequests, registerMetricsRoute } from './observability/index.js';

const WHERE: Record<string, string> = { json: 'the request body', query: 'the query string', param: 'the URL', header: 'a header' };

/** Builds EM's HTTP API over the given use-case dependencies. Routes are registered explicitly, one file per resource. */
export function createHttpApp(deps: HttpDeps): App {
  const app: App = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return undefined;
      const prefix = result.target === 'json' ? '' : `${result.target}.`;
      const errors = zodProblems(result.error.issues).map((e) => ({ ...e, path: prefix + e.path }));
      return problemResponse(validationProblem(errors, c.get('requestId'), WHERE[result.target] ?? 'the request'));
    },
  });
  app.use('*', requestId(deps), accessLog(deps));
  app.use('*', observeRequests(deps.observability));
  if (deps.observability?.metrics) registerMetricsRoute(app, deps.observability.metrics);
  // the web UI's static files sit outside /api/v1, so the authentication and permission gate below never see them
  if (deps.webRoot !== undefined) registerWebRoutes(app, { root: deps.webRoot });
  const jsonOnly = requireJsonBody(() => app);
  // packages and logs are binary uploads with their own media types and size limits (packages/package-routes.ts)
  app.use('/api/v1/*', authenticate(deps), (c, next) => (isBinaryUploadPath(c.req.path) ? next() : jsonOnly(c, next)));
  // imports carry whole configurations, so they get a larger limit than single-item writes
  const importLimit = limitBody(deps.maxImportBytes ?? 256 * 1024 * 1024);
  const itemLimit = limitBody(deps.maxBodyBytes ?? 5 * 1024 * 1024);
  // reading the limit wraps the request body stream, which costs every request; GETs and DELETEs carry no body
  const limitBodies: MiddlewareHandler<AppEnv> = (c, next) => {
    if (!['POST', 'PUT', 'PATCH'].includes(c.req.method) || isBinaryUploadPath(c.req.path)) return next();
    return (c.req.path.startsWith('/api/v1/config/import') ? importLimit : itemLimit)(c, next);
  };
  app.use('/api/v1/*', limitBodies);
  app.use('/api/v1/*', permissionGate(() => app));
  app.use('/api/v1/*', requireDeclaredBody(() => app));

  registerDiagnosticsRoutes(app, deps.observability?.health);
  registerIdentityRoutes(app, deps);
  registerPolicyRoutes(app, deps);
  registerConfigRoutes(app, deps);
  registerExportImportRoutes(app, deps);
  registerAuditRoutes(app, deps);
  if (deps.packages) registerPackageRoutes(app, { config: deps.config, packages: deps.packages });
  registerEnvironmentOpsRoutes(app, deps);
  // before the group and instance routes: `/instances/{id}` would take `schedule-actions` for an id
  registerScheduleRoutes(app, deps);
  if (deps.runtime) {
    const withRuntime = { ...deps, runtime: deps.runtime };
    registerDeploymentRoutes(app, withRuntime);
    registerGroupRoutes(app, withRuntime);
    registerServiceStateRoutes(app, withRuntime);
    registerTrafficRoutes(app, { config: deps.config, registry: deps.runtime.registry, deployments: deps.runtime.deployments, events: deps.runtime.events });
  }
  if (deps.notifications) registerSubscriptionRoutes(app, deps.notifications, deps.wakeNotifier);
  if (deps.backup) registerBackupRoutes(app, deps.backup);
  if (deps.replication) registerReplicationRoutes(app, deps.replication);
  registerDocsRoutes(app);

  app.notFound((c) => methodNotAllowed(app, c) ?? problemResponse(problem(404, 'route-not-found', `there is no route ${c.req.method} ${c.req.path}; see /docs`, c.get('requestId'))));
  app.onError((err, c) => {
    const id = c.get('requestId') ?? 'unknown';
    if (err instanceof HTTPException) return problemResponse(httpExceptionProblem(err, id));
    const p = toProblem(err, id);
    if (!(err instanceof DomainError)) deps.logger.error({ requestId: id, err }, 'unexpected error');
    return problemResponse(p);
  });
  return app;
}

function httpExceptionProblem(err: HTTPException, requestId: string) {
  if (err.status === 400) return problem(400, 'malformed-json', 'the request body is not valid JSON', requestId);
  return problem(err.status, 'http-error', err.message || 'the request failed', requestId);
}
