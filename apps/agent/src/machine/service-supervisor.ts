import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceSupervisor, SupervisedProcessRef } from '@envmgr/agent-core';

export interface DetachedServiceSupervisorOptions {
  /** Between SIGTERM and SIGKILL. @default 5000 */
  stopGraceMs?: number;
  /** A process that exits within this time after its start counts as failed to start. @default 500 */
  settleMs?: number;
}

const PID_FILE = 'service.pid';
const LOG_FILE = 'service.log';
/** Set in the process' environment, so that a reused pid is never taken for the service. */
const MARKER = 'EM_SUPERVISED_SERVICE';

const markerOf = (ref: SupervisedProcessRef): string => `${ref.serviceId}/${ref.deploymentId}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // an exited child of ours stays a zombie until reaped: that is gone
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Whether `pid` runs the supervised service of `ref` (its environment carries our marker). */
function isOurs(pid: number, ref: SupervisedProcessRef): boolean {
  if (!alive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${MARKER}=${markerOf(ref)}`);
  } catch (err) {
    // no procfs (macOS): trust the pid file
    return (err as NodeJS.ErrnoException).code !== 'ENOENT' || !process.platform.startsWith('linux');
  }
}

async function recordedPid(ref: SupervisedProcessRef): Promise<number | undefined> {
  const text = await readFile(join(ref.stateDir, PID_FILE), 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

/**
 * Runs a package's long-running command detached from the agent (its own session, output to `service.log` in the
 * deployment's folder, pid in `service.pid`), so that it survives an agent restart; stops it by signalling its
 * process group. It does not restart a process that dies: the health checks report that.
 */
export function createDetachedServiceSupervisor(opts: DetachedServiceSupervisorOptions = {}): ServiceSupervisor {
  const stopGraceMs = opts.stopGraceMs ?? 5000;
  const settleMs = opts.settleMs ?? 500;
  const isRunning = async (ref: SupervisedProcessRef): Promise<boolean> => {
    const pid = await recordedPid(ref);
    return pid !== undefined && isOurs(pid, ref);
  };
  return {
    isRunning,
    async start(ref, spec) {
      if (await isRunning(ref)) return { ok: false, reason: `the service of deployment ${ref.deploymentId} is already running` };
      const [program, ...args] = spec.command;
      if (!program) return { ok: false, reason: 'the command is empty' };
      const log = await open(join(ref.stateDir, LOG_FILE), 'a');
      try {
        const child = spawn(program, args, {
          cwd: spec.cwd,
          env: { ...spec.env, [MARKER]: markerOf(ref) },
          detached: true,
          stdio: ['ignore', log.fd, log.fd],
        });
        const exited = new Promise<string>((resolve) => {
          child.once('error', (err) => resolve(`it could not be started: ${err.message}`));
          child.once('exit', (code, signal) => resolve(`it exited at once (${signal ?? `code ${code}`}); see ${join(ref.stateDir, LOG_FILE)}`));
        });
        const early = await Promise.race([exited, sleep(settleMs).then(() => undefined)]);
        if (early !== undefined || child.pid === undefined) return { ok: false, reason: early ?? 'it started without a pid' };
        child.unref();
        await writeFile(join(ref.stateDir, PID_FILE), `${child.pid}\n`);
        return { ok: true, pid: child.pid };
      } finally {
        await log.close();
      }
    },
    async stop(ref) {
      const pid = await recordedPid(ref);
      if (pid === undefined || !isOurs(pid, ref)) return;
      const signal = (s: NodeJS.Signals) => {
        try {
          process.kill(-pid, s);
        } catch {
          // gone
        }
      };
      signal('SIGTERM');
      const deadline = Date.now() + stopGraceMs;
      while (alive(pid) && Date.now() < deadline) await sleep(50);
      if (alive(pid)) signal('SIGKILL');
      await rm(join(ref.stateDir, PID_FILE), { force: true });
    },
  };
}
