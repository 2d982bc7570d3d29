import { createProcessLauncher, type InstanceLauncher } from './process-launcher.js';

/** A launcher for tests whose instances are real processes that do nothing, and that can kill them all. */
export interface SleeperLauncher extends InstanceLauncher {
  /** Every pid this launcher started, in order. */
  readonly started: readonly number[];
  /** SIGKILLs every process (group) it started and waits until they are gone. Call it in `afterEach`. */
  killAll(): Promise<void>;
}

/**
 * Each instance runs `node -e …`: it writes its environment to `<dir>/env.json` (so tests can check what the agent
 * would see), then sleeps until signalled.
 */
export function createSleeperLauncher(): SleeperLauncher {
  const script = "require('fs').writeFileSync('env.json', JSON.stringify(process.env)); setInterval(() => {}, 1 << 30);";
  const inner = createProcessLauncher({ command: process.execPath, args: ['-e', script], stopGraceMs: 2_000 });
  const started: number[] = [];
  return {
    started,
    isAlive: (pid, instanceId) => inner.isAlive(pid, instanceId),
    stop: (pid, instanceId) => inner.stop(pid, instanceId),
    async start(request) {
      const result = await inner.start(request);
      started.push(result.pid);
      return result;
    },
    async killAll() {
      for (const pid of started) {
        if (!inner.isAlive(pid)) continue;
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      const deadline = Date.now() + 5_000;
      while (started.some((pid) => inner.isAlive(pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
