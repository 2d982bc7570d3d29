import { createRoute, z } from '@hono/zod-openapi';
import { json, raw, type App } from '../context.js';
import type { HealthProbe, HealthReport, ObservabilityHttpDeps } from './observability-deps.js';

const tags = ['Diagnostics'];
const Check = z.object({
  name: z.string(),
  status: z.enum(['up', 'down']),
  latencyMs: z.number(),
  critical: z.boolean(),
  error: z.string().optional(),
});
const Report = z.object({ status: z.enum(['ok', 'degraded', 'down']), checks: z.array(Check) }).openapi('HealthReport');
const Simple = z.object({ status: z.enum(['ok', 'unavailable']) });

const STATUS = (r: HealthReport) => (r.status === 'down' ? 503 : 200);

/** `/metrics`: Prometheus text, outside `/api/v1` and its authentication, as scrapers expect (docs/observability.md). */
export function registerMetricsRoute(app: App, metrics: NonNullable<ObservabilityHttpDeps['metrics']>): void {
  app.get('/metrics', async () => {
    const m = await metrics();
    return raw(new Response(m.body, { status: 200, headers: { 'content-type': m.contentType, 'cache-control': 'no-store' } }));
  });
}

/**
 * The dependency health check (EM's route), liveness and readiness. Liveness says only that the process answers
 * (restart it when it does not); readiness says it can serve: started, and every critical dependency up (send it
 * traffic only then). All three are public, like EM's health check, and name no host or credential.
 */
export function registerHealthRoutes(app: App, health: HealthProbe | undefined): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/diagnostics/healthcheck', tags, operationId: 'healthcheck', security: [],
      summary: 'Each dependency (store, registry, blob store, lock) with its latency, and an overall status',
      responses: {
        200: { description: 'every critical dependency is up', content: { 'application/json': { schema: Report } } },
        503: { description: 'a critical dependency is down', content: { 'application/json': { schema: Report } } },
      },
    }),
    async () => {
      const report: HealthReport = health ? await health.check() : { status: 'ok', checks: [] };
      return json(STATUS(report), report, { 'cache-control': 'no-store' });
    },
  );
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/diagnostics/liveness', tags, operationId: 'liveness', security: [], summary: 'Does the process answer (checks nothing else)',
      responses: { 200: { description: 'alive', content: { 'application/json': { schema: Simple } } } },
    }),
    () => json(200, { status: 'ok' }, { 'cache-control': 'no-store' }),
  );
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/diagnostics/readiness', tags, operationId: 'readiness', security: [], summary: 'Can it serve: started, and every critical dependency up',
      responses: {
        200: { description: 'ready', content: { 'application/json': { schema: Report } } },
        503: { description: 'not ready', content: { 'application/json': { schema: Report } } },
      },
    }),
    async () => {
      if (health?.isReady && !health.isReady()) return json(503, { status: 'down', checks: [{ name: 'server', status: 'down', latencyMs: 0, critical: true, error: 'starting or stopping' }] });
      const report: HealthReport = health ? await health.check() : { status: 'ok', checks: [] };
      return json(STATUS(report), report, { 'cache-control': 'no-store' });
    },
  );
}
