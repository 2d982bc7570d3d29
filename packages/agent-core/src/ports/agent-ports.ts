/**
 * The agent's own ports: what it needs from the machine and from EM, in the agent's words. apps/agent implements
 * them (HTTP, child processes, files); tests pass fakes. The registry is the shared `Registry` port of
 * @envmgr/ports, used directly by apps/agent.
 */
import type { PackageRef } from '../target-state/service-metadata.js';

/** The time, as a port, so that tests control it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export type FetchResult =
  | { ok: true; sha256: string; sizeBytes: number }
  | {
      ok: false;
      /** `not-found`: EM has no such package; `checksum-mismatch`: the bytes are not what EM stored; `unavailable`: EM could not be reached or failed. */
      kind: 'not-found' | 'checksum-mismatch' | 'unavailable';
      reason: string;
    };

/** Downloads packages from EM (`GET /api/v1/packages/{service}/{version}[/{environment}]`). */
export interface ArtifactFetcher {
  /**
   * Saves the package at `destination` (a file path; its folder exists) and verifies its SHA-256 against the one
   * EM sent (`X-Checksum-Sha256`). On a mismatch the file is removed and the result says `checksum-mismatch`.
   * Transient failures are retried a few times before `unavailable`.
   */
  fetch(ref: PackageRef, destination: string): Promise<FetchResult>;
}

export interface ProcessRequest {
  /** The program: an absolute path, or a name looked up on the PATH. */
  command: string;
  args: readonly string[];
  cwd: string;
  /** The whole environment of the process (nothing is inherited beyond it). */
  env: Readonly<Record<string, string>>;
  /** After this, the process and everything in its process group is killed and the result says `timed-out`. */
  timeoutMs: number;
  /** Run as this user (through `su`) when it is not the agent's own. */
  runAs?: string;
  /** Every line of output as it arrives, e.g. for the deployment log. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface ProcessResult {
  /** `exited`: it ended by itself (see `exitCode`/`signal`); `timed-out`: it was killed at the timeout; `not-started`: it could not be run (see `error`). */
  outcome: 'exited' | 'timed-out' | 'not-started';
  exitCode: number | null;
  signal: string | null;
  /** The first lines of its output (stdout and stderr as they came), at most 10. */
  firstLines: string[];
  /** The last lines, at most 10 (may overlap `firstLines` for short output). */
  lastLines: string[];
  durationMs: number;
  error?: string;
}

/** Runs hook scripts and script health checks. */
export interface ProcessRunner {
  /** Runs one process to its end or its timeout. Never rejects for the process' own failure: see `outcome`. */
  run(req: ProcessRequest): Promise<ProcessResult>;
}

/** Identifies a supervised process: one per deployment of a service. */
export interface SupervisedProcessRef {
  serviceId: string;
  deploymentId: string;
  /** A folder of that deployment where the supervisor keeps its pid and log files. */
  stateDir: string;
}

/**
 * Starts and stops a package's long-running process when its hooks do not (appspec `service.command`). The process
 * runs detached from the agent (its own session), so it outlives an agent restart; the agent finds it again by
 * the files in `stateDir`.
 */
export interface ServiceSupervisor {
  /** Starts the command; fails when it exits within its first moments. */
  start(
    ref: SupervisedProcessRef,
    spec: { command: readonly string[]; cwd: string; env: Readonly<Record<string, string>> },
  ): Promise<{ ok: true; pid: number } | { ok: false; reason: string }>;
  /** Stops it (SIGTERM, then SIGKILL after a grace period); does nothing when it is not running. */
  stop(ref: SupervisedProcessRef): Promise<void>;
  isRunning(ref: SupervisedProcessRef): Promise<boolean>;
}

/** Stores deployment logs in EM (`PUT /api/v1/logs/{key}`). */
export interface LogUploader {
  /** Stores (or replaces) the log; the URL goes in the node status' `Log`. Never rejects: see `ok`. */
  upload(key: string, text: string): Promise<{ ok: true; url: string } | { ok: false; reason: string }>;
}

/**
 * Why a hook (or check) run counts as failed, or undefined when it succeeded (exit code 0). `what` names it,
 * e.g. `hooks/validate.sh`.
 */
export function processFailure(result: ProcessResult, what: string, timeoutMs: number): string | undefined {
  if (result.outcome === 'not-started') return `${what} could not be started: ${result.error ?? 'unknown error'}`;
  if (result.outcome === 'timed-out') return `${what} timed out after ${formatSeconds(timeoutMs)} and was killed`;
  if (result.exitCode === 0) return undefined;
  return result.signal ? `${what} was killed by ${result.signal}` : `${what} exited with code ${result.exitCode}`;
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
