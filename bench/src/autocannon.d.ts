// autocannon ships no types and @types/autocannon is not installed: the slice of its API the benchmark uses.
declare module 'autocannon' {
  namespace autocannon {
    interface RawRequest {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
    }
    interface RequestSpec extends RawRequest {
      /** Mutates the next request; returning a falsy value restarts the request list. */
      setupRequest?: (request: RawRequest, context: Record<string, unknown>) => RawRequest | undefined;
    }
    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Requests per second over all connections. */
      overallRate?: number;
      ignoreCoordinatedOmission?: boolean;
      /** Seconds. */
      timeout?: number;
      requests?: RequestSpec[];
    }
    interface Result {
      /** Seconds. */
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      requests: { total: number; sent: number; average: number };
      statusCodeStats: Record<string, { count: number }>;
    }
    interface Instance {
      /** One event per completed request; `responseTimeMs` comes from process.hrtime. */
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void): this;
      stop(): void;
    }
  }
  function autocannon(opts: autocannon.Options, cb: (err: Error | null, result: autocannon.Result) => void): autocannon.Instance;
  export = autocannon;
}
