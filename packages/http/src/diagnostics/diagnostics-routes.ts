import { createRoute, z } from '@hono/zod-openapi';
import { json, type App } from '../context.js';

export function registerDiagnosticsRoutes(app: App): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/diagnostics/healthcheck', tags: ['Diagnostics'], operationId: 'healthcheck', summary: 'Is the server up', security: [],
      responses: { 200: { description: 'up', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
    }),
    () => json(200, { status: 'ok' }),
  );
}
