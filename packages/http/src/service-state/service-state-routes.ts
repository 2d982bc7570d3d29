import type { ServiceStateDeps } from '@envmgr/app';
import type { App, HttpDeps, RuntimeHttpDeps } from '../context.js';
import { registerServerRoutes } from './server-routes.js';
import { registerServiceRoutes } from './service-routes.js';
import { registerTargetStateRoutes } from './target-state-routes.js';

/** Services (health, slices, installation check), target state, an environment's servers, and comparing environments (SPEC §11). */
export function registerServiceStateRoutes(app: App, deps: HttpDeps & { runtime: RuntimeHttpDeps }): void {
  const state: ServiceStateDeps = { config: { store: deps.config.store }, compute: deps.runtime.compute, registry: deps.runtime.registry, events: deps.runtime.events };
  registerServiceRoutes(app, state);
  registerTargetStateRoutes(app, state);
  // the servers view reads the estate through the inventory where there is one (AWS), saying how fresh each account is
  const inventory = deps.runtime.inventory;
  registerServerRoutes(app, inventory ? { ...state, compute: inventory.compute, computeFreshness: () => inventory.freshness() } : state);
}
