import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { DependencyUnavailableError } from '@envmgr/domain';
import type { Tags } from '@envmgr/ports';

/** What the local compute asks a launcher to run: one instance, in its own folder. */
export interface LaunchRequest {
  id: string;
  /** The instance's folder; the process runs there and may keep its data there. */
  dir: string;
  tags: Tags;
  /** The instance's identity as environment variables (see `instanceEnvironment`); the process must receive them. */
  env: Record<string, string>;
}

/**
 * Starts and ends the process that plays an instance (normally the deployment agent). The composition root picks it;
 * `createProcessLauncher` is the usual one.
 */
export interface InstanceLauncher {
  /** Starts the instance's process and returns its pid. Rejects when the process cannot be started. */
  start(instance: LaunchRequest): Promise<{ pid: number }>;
  /**
   * Whether the process still runs (a zombie does not). With `instanceId`, also whether that pid still plays this
   * instance: after a reboot a recorded pid may belong to an unrelated process. Must not throw.
   */
  isAlive(pid: number, instanceId?: string): boolean;
  /**
   * Ends the process and everything it started: a polite signal, then a forced one after a grace period. Resolves
   * when the process is gone (or the launcher gave up waiting). A pid that plays another instance, or an unrelated
   * process, is left alone.
   */
  stop(pid: number, instanceId?: string): Promise<void>;
}

export interface ProcessLauncherOptions {
  /** Program to run for each instance, e.g. `process.execPath`. */
  command: string;
  /** Its arguments, e.g. the agent's entry point. @default [] */
  args?: readonly string[];
  /**
   * Environment every instance process starts from, before its own identity variables. The composition root passes
   * what the agent needs (PATH, the registry and API endpoints).
   * @default {} (the process gets only the instance's variables)
   */
  baseEnv?: Readonly<Record<string, string | undefined>>;
  /** How long a stopping process gets between SIGTERM and SIGKILL. @default 10_000 */
  stopGraceMs?: number;
}

/** Name of the file in the instance's folder that receives the process's stdout and stderr. */
export const AGENT_LOG_FILE = 'agent.log';
const POLL_MS = 20;
const KILL_WAIT_MS = 5_000;

/**
 * Runs each instance as a real child process: `command args…` in the instance's folder, detached (its own process
 * group, so that it outlives EM and a stop reaches everything it started), output appended to `<dir>/agent.log`.
 */
export function createProcessLauncher(opts: ProcessLauncherOptions): InstanceLauncher {
  const graceMs = opts.stopGraceMs ?? 10_000;
  // Children of this EM process that have exited: libuv reaps them, but a pid can be checked before that happens.
  const exited = new Set<number>();
  const isAlive = (pid: number, instanceId?: string): boolean =>
    !exited.has(pid) && processExists(pid) && (instanceId === undefined || playsInstance(pid, instanceId));
  return {
    async start({ dir, env }) {
      const log = await open(join(dir, AGENT_LOG_FILE), 'a');
      try {
        const child = spawn(opts.command, [...(opts.args ?? [])], {
          cwd: dir,
          detached: true,
          stdio: ['ignore', log.fd, log.fd],
          env: { ...opts.baseEnv, ...env },
        });
        const pid = await spawned(child, opts.command);
        exited.delete(pid);
        child.once('exit', () => exited.add(pid));
        child.unref();
        return { pid };
      } finally {
        await log.close();
      }
    },
    isAlive,
    async stop(pid, instanceId) {
      if (!isValidPid(pid)) return;
      if (processExists(pid) && instanceId !== undefined && !playsInstance(pid, instanceId)) return;
      signalGroup(pid, 'SIGTERM');
      await waitUntil(() => !isAlive(pid), graceMs);
      // Also reaches what the process started and left behind, as a machine's shutdown would.
      signalGroup(pid, 'SIGKILL');
      await waitUntil(() => !isAlive(pid), KILL_WAIT_MS);
    },
  };
}

/** The pid of a freshly spawned child, or the reason it could not start. */
function spawned(child: ChildProcess, command: string): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new DependencyUnavailableError(`cannot start '${command}' for an instance: ${err.message}`, { command }, { cause: err })));
    child.once('spawn', () => {
      if (child.pid === undefined) reject(new DependencyUnavailableError(`'${command}' started without a pid`, { command }));
      else resolve(child.pid);
    });
  });
}

/** Guards every signal: pid 0, 1 or a negative number would reach EM's own group, init or everything. */
function isValidPid(pid: number): boolean {
  return Number.isInteger(pid) && pid > 1;
}

function processExists(pid: number): boolean {
  if (!isValidPid(pid)) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * Whether the process was started for this instance: its initial environment (which `start` set) names it. Where
 * that cannot be read (no procfs, another user's process) the pid is trusted.
 */
function playsInstance(pid: number, instanceId: string): boolean {
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
  return environ.split('\0').includes(`EM_INSTANCE_ID=${instanceId}`);
}

/** A dead child not yet reaped by its parent still answers signal 0; Linux shows it as state Z. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false; // no procfs here, or the process just went away
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Not a group leader (started by another launcher). Only signal it while it runs: a dead pid may be reused.
    if (!processExists(pid)) return;
    try {
      process.kill(pid, signal);
    } catch {
      // gone in between
    }
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return true;
}
