import type { App, HttpDeps, RuntimeHttpDeps } from '../context.js';

/** Deployments (SPEC §5, ARCHITECTURE §3): request, list, detail, cancel, redeploy, rollback, events. */
export function registerDeploymentRoutes(_app: App, _deps: HttpDeps & { runtime: RuntimeHttpDeps }): void {
  // built next
}
