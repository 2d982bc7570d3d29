export { createHttpApp } from './app.js';
export type { HttpDeps, HttpLogger, App } from './context.js';
export type { PackagesHttpDeps } from './packages/package-routes.js';
export type { SchedulingHttpDeps } from './scheduling/schedule-http-deps.js';
export type { DependencyHealth, HealthProbe, HealthReport, LogFields, ObservabilityHttpDeps, RequestObservation, TraceContext } from './observability/index.js';
export { parseTraceparent } from './observability/index.js';
