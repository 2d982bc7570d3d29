import type { DependencyHealth, HealthProbe, HealthReport } from '@envmgr/http';

/** One dependency to check: a cheap read that fails when it cannot be reached. */
export interface DependencyCheck {
  name: string;
  /** Readiness fails only on critical ones; the others (email) degrade the health check. @default true */
  critical?: boolean;
  probe(): Promise<unknown>;
}

/** A short reason: the error's code or class, never its message (messages carry host names and request details). */
function reason(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `failed: ${code}` : `failed: ${err.name}`;
  }
  return 'failed';
}

async function run(check: DependencyCheck, timeoutMs: number): Promise<DependencyHealth> {
  const critical = check.critical ?? true;
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([check.probe().then(() => 'ok' as const), timeout]);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    if (outcome === 'timeout') return { name: check.name, status: 'down', latencyMs, critical, error: `no answer within ${timeoutMs} ms` };
    return { name: check.name, status: 'up', latencyMs, critical };
  } catch (err) {
    return { name: check.name, status: 'down', latencyMs: Math.round((performance.now() - started) * 10) / 10, critical, error: reason(err) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks every dependency at once, each with its own deadline, so one that hangs costs `timeoutMs`, not the sum.
 * Overall: `down` when a critical one is down, `degraded` when only others are, else `ok`.
 */
export function createHealthProbe(checks: readonly DependencyCheck[], opts: { timeoutMs: number; isReady?: () => boolean }): HealthProbe {
  return {
    async check(): Promise<HealthReport> {
      const results = await Promise.all(checks.map((c) => run(c, opts.timeoutMs)));
      const down = results.filter((r) => r.status === 'down');
      return { status: down.some((r) => r.critical) ? 'down' : down.length ? 'degraded' : 'ok', checks: results };
    },
    ...(opts.isReady ? { isReady: opts.isReady } : {}),
  };
}
