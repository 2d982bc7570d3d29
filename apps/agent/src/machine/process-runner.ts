import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import type { Readable } from 'node:stream';
import type { ProcessRequest, ProcessResult, ProcessRunner } from '@envmgr/agent-core';

export interface ChildProcessRunnerOptions {
  /** Between SIGTERM and SIGKILL of a timed-out process group. @default 2000 */
  killGraceMs?: number;
  /**
   * After the process exits, how long to wait for its output to end. A hook that leaves a background child holding
   * stdout would otherwise never finish. @default 200
   */
  drainMs?: number;
}

const KEPT_LINES = 10;

/** Collects lines of output: all of them to `onLine`, the first and last ten kept. */
function lineCollector(onLine: ProcessRequest['onLine']) {
  const first: string[] = [];
  const last: string[] = [];
  const partial = { stdout: '', stderr: '' };
  const push = (line: string, stream: 'stdout' | 'stderr') => {
    if (first.length < KEPT_LINES) first.push(line);
    last.push(line);
    if (last.length > KEPT_LINES) last.shift();
    onLine?.(line, stream);
  };
  return {
    feed(stream: 'stdout' | 'stderr', chunk: string) {
      const lines = (partial[stream] + chunk).split(/\r?\n/);
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) push(line, stream);
    },
    flush() {
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream] !== '') push(partial[stream], stream);
        partial[stream] = '';
      }
      return { firstLines: first, lastLines: last };
    },
  };
}

/** A shell-quoted word, for `su -c`. */
const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function commandLine(req: ProcessRequest): { command: string; args: string[] } | { error: string } {
  if (!req.runAs || req.runAs === userInfo().username) return { command: req.command, args: [...req.args] };
  if (process.getuid?.() !== 0) return { error: `runas ${req.runAs} needs the agent to run as root; it runs as ${userInfo().username}` };
  // -m keeps the environment the hook needs (DEPLOYMENT_BASE_DIR, EM_SERVICE_PORT, ...)
  return { command: 'su', args: ['-m', '-s', '/bin/sh', '-c', [req.command, ...req.args].map(shellQuote).join(' '), req.runAs] };
}

const signalGroup = (pid: number | undefined, signal: NodeJS.Signals): void => {
  if (pid === undefined || pid <= 1) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
};

/**
 * Runs processes with node:child_process, each in its own process group (so that a timeout reaches whatever the
 * hook started in that group), with stdin closed and stdout/stderr read line by line.
 */
export function createChildProcessRunner(opts: ChildProcessRunnerOptions = {}): ProcessRunner {
  const killGraceMs = opts.killGraceMs ?? 2000;
  const drainMs = opts.drainMs ?? 200;
  return {
    run(req) {
      const started = Date.now();
      const lines = lineCollector(req.onLine);
      const cmd = commandLine(req);
      const done = (outcome: ProcessResult['outcome'], exitCode: number | null, signal: string | null, error?: string): ProcessResult => ({
        outcome,
        exitCode,
        signal,
        ...lines.flush(),
        durationMs: Date.now() - started,
        ...(error !== undefined ? { error } : {}),
      });
      if ('error' in cmd) return Promise.resolve(done('not-started', null, null, cmd.error));
      return new Promise<ProcessResult>((resolve) => {
        const child = spawn(cmd.command, cmd.args, { cwd: req.cwd, env: { ...req.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
        let timedOut = false;
        let killTimer: NodeJS.Timeout | undefined;
        const timer = setTimeout(() => {
          timedOut = true;
          signalGroup(child.pid, 'SIGTERM');
          killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), killGraceMs);
        }, req.timeoutMs);
        const streams: Readable[] = [child.stdout, child.stderr];
        child.stdout.setEncoding('utf8').on('data', (c: string) => lines.feed('stdout', c));
        child.stderr.setEncoding('utf8').on('data', (c: string) => lines.feed('stderr', c));
        const finish = (result: () => ProcessResult) => {
          clearTimeout(timer);
          clearTimeout(killTimer);
          resolve(result());
        };
        child.once('error', (err) => finish(() => done('not-started', null, null, err.message)));
        child.once('exit', (code, signal) => {
          if (timedOut) signalGroup(child.pid, 'SIGKILL');
          const ended = streams.map((s) => (s.readableEnded || s.destroyed ? Promise.resolve() : new Promise<void>((r) => s.once('close', () => r()))));
          const drained = Promise.race([Promise.all(ended), new Promise((r) => setTimeout(r, drainMs))]);
          void drained.then(() => {
            for (const s of streams) s.destroy();
            finish(() => done(timedOut ? 'timed-out' : 'exited', code, signal));
          });
        });
      });
    },
  };
}
