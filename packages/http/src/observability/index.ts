export type { DependencyHealth, HealthProbe, HealthReport, LogFields, ObservabilityHttpDeps, RequestObservation } from './observability-deps.js';
export { parseTraceparent, type TraceContext } from './trace-context.js';
export { observeRequests, routeTemplate } from './observe-requests.js';
export { registerHealthRoutes, registerMetricsRoute } from './observability-routes.js';
