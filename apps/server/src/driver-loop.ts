import { createDriverPass, type DeploymentDeps, type DriverPass } from '@envmgr/app';
import type { Lock, Registry } from '@envmgr/ports';
import type { HttpLogger } from '@envmgr/http';

/** The shortest time between the starts of two passes. */
const MIN_GAP_MS = 100;

export interface DriverLoop {
  wake(): void;
  stop(): Promise<void>;
}

/**
 * Runs the deployment driver's passes in this process: one every `intervalMs`, at once when woken (a request, a
 * cancel), and whenever an agent writes a status under `deployments/` in the registry (a blocking read), so that a
 * deployment moves on as soon as its instances report.
 */
export function startDriverLoop(deps: DeploymentDeps & { registry: Registry }, opts: { lock: Lock; holder: string; intervalMs: number; leaseMs?: number; logger: HttpLogger }): DriverLoop {
  const driver: DriverPass = createDriverPass(deps, {
    lock: opts.lock,
    holder: opts.holder,
    ...(opts.leaseMs !== undefined ? { leaseMs: opts.leaseMs } : {}),
    onError: (err, deploymentId) => opts.logger.error({ err, deploymentId }, 'deployment driver: a step failed; it is retried on the next pass'),
  });
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<{ active: number; changed: number }> | undefined;
  let again = false;

  let lastStart = 0;
  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    // passes start at least MIN_GAP_MS apart: a hundred agents reporting at once make one pass, not a hundred
    timer = setTimeout(tick, Math.max(ms, lastStart + MIN_GAP_MS - Date.now()));
  };
  function tick(): void {
    if (running) {
      again = true;
      return;
    }
    lastStart = Date.now();
    running = driver.run().catch((err: unknown) => {
      opts.logger.error({ err }, 'deployment driver: a pass failed; it is retried');
      return { active: 0, changed: 0 };
    });
    void running.then((r) => {
      running = undefined;
      // a deployment that moved may move again at once: do not make it wait for the interval
      const next = again || r.changed > 0 ? 0 : opts.intervalMs;
      again = false;
      schedule(next);
    });
  }
  const watching = new AbortController();
  void watchStatuses(deps.registry, watching.signal, () => schedule(0));
  schedule(0);
  return {
    wake: () => schedule(0),
    async stop() {
      stopped = true;
      watching.abort();
      clearTimeout(timer);
      if (running) await running;
      await driver.release();
    },
  };
}

/** Wakes the driver on every change under `deployments/` (agents' node statuses), by blocking reads. */
async function watchStatuses(registry: Registry, signal: AbortSignal, wake: () => void): Promise<void> {
  let index = 0;
  while (!signal.aborted) {
    try {
      const r = await registry.kvKeys('deployments/', { index, waitMs: 10_000, signal });
      if (index !== 0 && r.index !== index) wake();
      index = r.index;
    } catch {
      if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
