import type { Engine } from '../engine/engine.js';
import { catalogServiceJson, checkJson, healthEntryJson, nodeJson, serviceMapJson } from './consul-json.js';
import { blockingOptions, boolFlag, readHeaders, type RegistryApp } from './http-support.js';

/**
 * `/v1/catalog/services`, `/v1/catalog/service/<name>`, `/v1/catalog/nodes`, `/v1/health/service/<name>`
 * (`passing`) and `/v1/health/node/<node>`, all blocking. Unknown services and nodes are empty lists, as in Consul.
 */
export function registerCatalogRoutes(app: RegistryApp, engine: Engine): void {
  const { catalog, block } = engine;

  app.get('/v1/catalog/services', async (c) => {
    const r = await block({ kind: 'services' }, () => catalog.services(), blockingOptions(c));
    return c.json(serviceMapJson(r.value), 200, readHeaders(r.index));
  });
  app.get('/v1/catalog/service/:name', async (c) => {
    const name = c.req.param('name');
    const r = await block({ kind: 'service', name }, () => catalog.service(name), blockingOptions(c));
    return c.json(r.value.map(catalogServiceJson), 200, readHeaders(r.index));
  });
  app.get('/v1/catalog/nodes', async (c) => {
    const r = await block({ kind: 'nodes' }, () => catalog.nodes(), blockingOptions(c));
    return c.json(r.value.map(nodeJson), 200, readHeaders(r.index));
  });
  app.get('/v1/health/service/:name', async (c) => {
    const name = c.req.param('name');
    const passing = boolFlag(c, 'passing');
    const r = await block({ kind: 'service', name }, () => catalog.health(name, passing), blockingOptions(c));
    return c.json(r.value.map(healthEntryJson), 200, readHeaders(r.index));
  });
  app.get('/v1/health/node/:node', async (c) => {
    const node = c.req.param('node');
    const r = await block({ kind: 'node', node }, () => catalog.nodeHealth(node), blockingOptions(c));
    return c.json(r.value.map((check) => checkJson(check)), 200, readHeaders(r.index));
  });
}
