import type { App } from '../context.js';
import { registerHealthRoutes, type HealthProbe } from '../observability/index.js';

/** EM's health check (with each dependency when a probe is given), liveness and readiness (docs/observability.md). */
export function registerDiagnosticsRoutes(app: App, health?: HealthProbe): void {
  registerHealthRoutes(app, health);
}
