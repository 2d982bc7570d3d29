/** One dependency's answer to the health check. */
export interface DependencyHealth {
  /** `store`, `registry`, `blobs`, `lock`, … */
  name: string;
  status: 'up' | 'down';
  latencyMs: number;
  /** Whether the server can serve without it (readiness ignores a non-critical dependency). */
  critical: boolean;
  /** A short reason when it is down (never a credential, host name or stack). */
  error?: string | undefined;
}

export interface HealthReport {
  /** `ok`: every dependency is up; `degraded`: only non-critical ones are down; `down`: a critical one is down. */
  status: 'ok' | 'degraded' | 'down';
  checks: DependencyHealth[];
}

/** Checks the server's dependencies (the composition root knows which there are). */
export interface HealthProbe {
  check(): Promise<HealthReport>;
  /** False while the server is starting or stopping: readiness answers 503 then. @default always ready */
  isReady?(): boolean;
}

/** One finished request, as the metrics record it: the route's template, never the raw path (bounded labels). */
export interface RequestObservation {
  method: string;
  /** The matched route template, e.g. `/api/v1/deployments/:id`; `unmatched` when no route answered. */
  route: string;
  status: number;
  seconds: number;
}

/** The fields every log line of a request carries (read when a line is written, so the actor appears once known). */
export type LogFields = () => Record<string, string | undefined>;

/**
 * Metrics, health and log context, supplied by the composition root: the HTTP layer records through these functions
 * and never holds a metrics registry or a logger of its own.
 */
export interface ObservabilityHttpDeps {
  /** Called once per finished request. */
  observeRequest?: (r: RequestObservation) => void;
  /** The Prometheus text exposition; without it `/metrics` is not served. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Dependency checks for `/api/v1/diagnostics/healthcheck` and readiness; without it they report only the server. */
  health?: HealthProbe;
  /** Runs the rest of a request with its log fields on every line the process writes meanwhile. */
  withLogContext?<T>(fields: LogFields, run: () => Promise<T>): Promise<T>;
}
