import type { App, HttpDeps, RuntimeHttpDeps } from '../context.js';

/** Services (health, slices, installation check), target state, an environment's servers, and comparing environments (SPEC §11). */
export function registerServiceStateRoutes(_app: App, _deps: HttpDeps & { runtime: RuntimeHttpDeps }): void {
  // built next
}
