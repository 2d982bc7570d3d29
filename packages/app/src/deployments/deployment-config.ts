import { stringAt, type EntityType, type JsonObject, type Resolve } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';

/**
 * The synchronous `Resolve` that `planDeployment` needs, loaded up front: the environment, the service, the
 * environment's type and deployment map, and every cluster (few, and a map's roles may name any). Names the request
 * gives are matched ignoring case, as the domain expects; an exact match is tried first since it is one read.
 */
export async function loadDeploymentConfig(store: ConfigStore, environment: string, service: string): Promise<Resolve> {
  const items = new Map<string, JsonObject>();
  const put = (type: EntityType, key: string, data: JsonObject | undefined) => {
    if (data) items.set(`${type}\u0000${key.toLowerCase()}`, data);
  };
  const env = await findIgnoringCase(store, 'environments', environment);
  put('environments', environment, env);
  put('services', service, await findIgnoringCase(store, 'services', service));
  const mapName = env ? stringAt(env, 'Value.DeploymentMap') : undefined;
  const typeName = env ? stringAt(env, 'Value.EnvironmentType') : undefined;
  if (mapName) put('deployment-maps', mapName, (await store.get('deployment-maps', mapName))?.data);
  if (typeName) put('environment-types', typeName, (await store.get('environment-types', typeName))?.data);
  for (const c of await store.list('clusters', { limit: 10_000 })) put('clusters', c.key, c.data);
  return (type, key) => items.get(`${type}\u0000${key.toLowerCase()}`);
}

async function findIgnoringCase(store: ConfigStore, type: EntityType, name: string): Promise<JsonObject | undefined> {
  const exact = await store.get(type, name);
  if (exact) return exact.data;
  const lower = name.toLowerCase();
  const all = await store.list(type, { limit: 100_000 });
  return all.find((i) => i.key.toLowerCase() === lower)?.data;
}
