import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { announce, stopOnRequest } from './child-server.js';

/*
 * The baseline of the latency benchmark: a bare Hono app with one route of the same shape as EM's item route,
 * answering a small JSON body, on the same server adapter. What EM adds on top of it (middleware, validation,
 * the use case, SQLite, DTO mapping) is what the ratio shows.
 */

const app = new Hono();
app.get('/api/v1/config/services/:key', (c) => c.json({ ServiceName: c.req.param('key'), Version: 1 }));

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => announce(info.port));

stopOnRequest(async () => {
  server.close();
});
