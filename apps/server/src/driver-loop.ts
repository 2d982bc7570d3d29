import { createDriverPass, type DeploymentDeps, type DriverPass } from '@envmgr/app';
import type { Lock, Registry } from '@envmgr/ports';
import type { HttpLogger } from '@envmgr/http';
import { startPassLoop } from './pass-loop.js';

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
  const loop = startPassLoop({
    pass: () =>
      driver.run().then(
        // a deployment that moved may move again at once: do not make it wait for the interval
        (r) => (r.changed > 0 ? 0 : opts.intervalMs),
        (err: unknown) => {
          opts.logger.error({ err }, 'deployment driver: a pass failed; it is retried');
          return opts.intervalMs;
        },
      ),
    rerunWoken: true,
    // passes start at least MIN_GAP_MS apart: a hundred agents reporting at once make one pass, not a hundred
    minGapMs: MIN_GAP_MS,
  });
  const watching = new AbortController();
  void watchStatuses(deps.registry, watching.signal, () => loop.wake());
  return {
    wake: () => loop.wake(),
    async stop() {
      watching.abort();
      await loop.stop();
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
