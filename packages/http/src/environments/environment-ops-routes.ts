import type { App, HttpDeps } from '../context.js';

/** Environment operations: deploy lock, maintenance mode, protected actions (SPEC §3.3, §9, §11). */
export function registerEnvironmentOpsRoutes(_app: App, _deps: HttpDeps): void {
  // built next
}
