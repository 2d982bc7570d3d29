/** What an edge router counted of the answers of one registry service (a slice), over a time window. */
export interface SliceTrafficCount {
  requests: number;
  /** Answers with a 5xx status, and requests that got no answer from it (refused, reset, timed out). */
  errors: number;
}

/**
 * Counts of the traffic an edge router sent to each registry service (`<env>-<service>-<slice>`), so that a canary
 * can judge the new slice's error rate. The built-in edge router implements it; where nothing counts (nginx), none
 * is wired and canaries decide on health checks alone.
 */
export interface TrafficStats {
  /** Requests to `registryName` since `sinceMs` (ms on the router's clock), or undefined when it has seen none. */
  sliceTraffic(registryName: string, sinceMs: number): SliceTrafficCount | undefined;
}
