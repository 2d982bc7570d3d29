import type { App, HttpDeps, RuntimeHttpDeps } from '../context.js';

/** Groups (`/asgs`) and instances (`/instances`) of SPEC §11 over the Compute port. */
export function registerGroupRoutes(_app: App, _deps: HttpDeps & { runtime: RuntimeHttpDeps }): void {
  // built next
}
