import { ACTIVE_STATES, advance, VersionConflictError, type Deployment, type Observations } from '@envmgr/domain';
import type { Lock, StoredDeployment } from '@envmgr/ports';
import type { DeploymentDeps } from './deployment-deps.js';
import { publishDeployment } from './deployment-events.js';
import { execute } from './execute.js';
import { observe } from './observe.js';

export const DRIVER_LOCK = 'deployment-driver';

export interface DriverOptions {
  lock: Lock;
  /** This process's name as a lock holder; unique among EM servers. */
  holder: string;
  /** Lease of the driver lock; another server takes over this long after this one stops renewing. @default 15000 */
  leaseMs?: number;
  /** Deployments advanced at the same time. @default 8 */
  concurrency?: number;
  /** Told of a deployment whose step failed unexpectedly (it is retried on the next pass). */
  onError?: (err: unknown, deploymentId?: string) => void;
}

export interface DriverPass {
  /**
   * One pass: how many active deployments it looked at and how many of them moved on (0 and 0 when another server
   * holds the lock). A deployment that moved may move again at once (e.g. requested → provisioning → deploying).
   */
  run(): Promise<{ active: number; changed: number }>;
  /** Gives the lock up (when stopping), so that another server takes over without waiting for the lease. */
  release(): Promise<void>;
}

/**
 * The deployment driver's pass (ARCHITECTURE §1, §3): on the holder of the driver lock, it observes every active
 * deployment, advances its state machine, carries out the commands and saves the record with its version. A new
 * lease gets a new run id, so a restarted or newly elected driver re-issues what it cannot see done. The server
 * runs passes on a timer (and when woken); a Lambda handler would run one per invocation.
 */
export function createDriverPass(deps: DeploymentDeps, opts: DriverOptions): DriverPass {
  const lease = opts.leaseMs ?? 15_000;
  let leading = false;
  let runs = 0;
  let runId = '';
  return {
    async run() {
      const got = await opts.lock.tryAcquire(DRIVER_LOCK, opts.holder, lease);
      if (!got.acquired) {
        leading = false;
        return { active: 0, changed: 0 };
      }
      if (!leading) {
        leading = true;
        runs += 1;
        runId = `${opts.holder}#${runs}@${deps.clock.now()}`;
      }
      const active = await listActive(deps);
      let changed = 0;
      await forEachLimited(active, opts.concurrency ?? 8, async (s) => {
        try {
          if ((await step(deps, s, runId)) !== s.record) changed += 1;
        } catch (err) {
          if (!(err instanceof VersionConflictError)) opts.onError?.(err, s.record.id);
        }
      });
      return { active: active.length, changed };
    },
    async release() {
      if (leading) await opts.lock.release(DRIVER_LOCK, opts.holder);
      leading = false;
    },
  };
}

async function listActive(deps: DeploymentDeps): Promise<StoredDeployment<Deployment>[]> {
  const out: StoredDeployment<Deployment>[] = [];
  for (;;) {
    const last = out[out.length - 1];
    const page = await deps.deployments.list({ states: ACTIVE_STATES, limit: 200, ...(last ? { before: { requestedAtMs: last.record.requestedAtMs, id: last.record.id } } : {}) });
    out.push(...page);
    if (page.length < 200) return out;
  }
}

/** Observe, advance, carry out, save: one deployment one step on. */
export async function step(deps: DeploymentDeps, stored: StoredDeployment<Deployment>, runId: string): Promise<Deployment> {
  const d = stored.record;
  const obs = await observe(deps, d, runId);
  let result = advance(d, obs, deps.clock.now(), deps.settings);
  const failure = await executeAll(deps, result.commands);
  if (failure) {
    const failed: Observations = { ...obs, commandFailure: failure };
    result = advance(d, failed, deps.clock.now(), deps.settings);
    await executeAll(deps, result.commands);
  }
  if (result.next === d) return d;
  const saved = await deps.deployments.update(result.next, stored.version);
  publishDeployment(deps, saved.record);
  return saved.record;
}

async function executeAll(deps: DeploymentDeps, commands: Parameters<typeof execute>[1][]): Promise<Awaited<ReturnType<typeof execute>>> {
  for (const c of commands) {
    const failure = await execute(deps, c);
    if (failure) return failure;
  }
  return undefined;
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
