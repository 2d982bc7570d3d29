import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { EventsQuerySchema } from '@envmgr/api-contract';
import { requireSignedIn } from '@envmgr/app';
import type { EmEvent } from '@envmgr/ports';
import { raw, type App, type RuntimeHttpDeps } from '../context.js';
import { problemResponses } from '../problems/responses.js';

/** A comment line this often keeps proxies and idle timeouts from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/**
 * `GET /api/v1/events`: EM's events as server-sent events (`event:` the type, `id:` for `Last-Event-ID`, `data:` JSON
 * of the whole event). The web UI and `envmgr deploy --wait` follow deployments with it.
 */
export function registerEventRoutes(app: App, runtime: RuntimeHttpDeps): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/events', tags: ['Events'], operationId: 'streamEvents', summary: 'Follow EM\'s events (server-sent events)',
      description:
        'A `text/event-stream` of events such as `deployment.updated` (data: the deployment\'s status, nodes and last log line). ' +
        'Filters narrow it to one deployment, environment or service. A client that reconnects with `Last-Event-ID` first ' +
        'receives the events it missed that the server still keeps.',
      request: { query: EventsQuerySchema },
      responses: {
        200: {
          description: 'the stream; each `data:` is a JSON object (`ready`: the filters; other events: the whole event)',
          content: { 'text/event-stream': { schema: z.record(z.string(), z.unknown()).meta({ description: 'the JSON of one event' }) } },
        },
        ...problemResponses(401),
      },
    }),
    (c) => {
      requireSignedIn(c.get('actor'));
      const q = c.req.valid('query');
      const wanted = (e: EmEvent) =>
        (q.deployment === undefined || e.subject['deployment'] === q.deployment) &&
        (q.environment === undefined || e.subject['environment']?.toLowerCase() === q.environment.toLowerCase()) &&
        (q.service === undefined || e.subject['service']?.toLowerCase() === q.service.toLowerCase());
      const lastId = c.req.header('last-event-id');
      return raw(
        streamSSE(c, async (stream) => {
          const queue: EmEvent[] = lastId !== undefined ? runtime.events.since(lastId).filter(wanted) : [];
          let notify: (() => void) | undefined;
          const unsubscribe = runtime.events.subscribe((e) => {
            if (!wanted(e)) return;
            queue.push(e);
            notify?.();
          });
          let open = true;
          stream.onAbort(() => {
            open = false;
            notify?.();
          });
          await stream.writeSSE({ event: 'ready', data: JSON.stringify({ filters: q }) });
          try {
            while (open) {
              const e = queue.shift();
              if (e) {
                await stream.writeSSE({ event: e.type, id: e.id, data: JSON.stringify(e) });
                continue;
              }
              const woke = await new Promise<boolean>((resolve) => {
                const t = setTimeout(() => resolve(false), HEARTBEAT_MS);
                notify = () => {
                  clearTimeout(t);
                  resolve(true);
                };
              });
              notify = undefined;
              if (!woke && open) await stream.write(': heartbeat\n\n');
            }
          } finally {
            unsubscribe();
          }
        }),
      );
    },
  );
}
