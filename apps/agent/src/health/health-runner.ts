/**
 * Runs the health checks of installed services at their intervals and reports each result to its TTL check in the
 * registry (SPEC §6: the agent runs the package's checks itself, so the same code works against Consul and the
 * built-in registry, which does not run http or script checks).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { NotFoundError } from '@envmgr/domain';
import { httpCheckStatus, scriptCheckStatus, type CheckStatusName, type ProcessRunner, type ResolvedHealthCheck } from '@envmgr/agent-core';
import type { Registry } from '@envmgr/ports';
import { inArchive } from '../machine/safe-unzip.js';
import type { InstalledRecord } from '../state/state-store.js';

export interface HealthRunner {
  /** Starts running the checks of an installed service, replacing those it ran for the same service id. */
  start(rec: InstalledRecord): void;
  /** Stops the checks of a service (before it is removed). */
  stop(serviceId: string): void;
  stopAll(): void;
}

export interface HealthRunnerDeps {
  registry: Registry;
  runner: ProcessRunner;
  hookBaseEnv: Record<string, string>;
  log: (message: string) => void;
  /** A report found no such check in the registry (it was reset or lost the service): register the service again. */
  onMissingCheck: (serviceId: string) => void;
}

interface Probe {
  status: CheckStatusName;
  note: string;
}

export function probeHttp(url: string, timeoutMs: number, tlsSkipVerify: boolean): Promise<Probe> {
  return new Promise((resolve) => {
    const done = (p: Probe) => resolve(p);
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return done({ status: 'critical', note: `HTTP GET ${url}: not a valid URL` });
    }
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(target, { method: 'GET', timeout: timeoutMs, rejectUnauthorized: !tlsSkipVerify, headers: { 'user-agent': 'envmgr-agent health check' } }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      done({ status: httpCheckStatus(code), note: `HTTP GET ${url}: ${code} ${res.statusMessage ?? ''}`.trim() });
    });
    req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once('error', (err) => done({ status: 'critical', note: `HTTP GET ${url}: ${err.message}` }));
    req.end();
  });
}

async function probeScript(deps: HealthRunnerDeps, check: ResolvedHealthCheck, rec: InstalledRecord): Promise<Probe> {
  const script = check.script ?? '';
  const command = script.startsWith('/') || !script.includes('/') ? script : inArchive(rec.archiveDir, script);
  const result = await deps.runner.run({
    command,
    args: check.args,
    cwd: rec.archiveDir,
    env: { ...deps.hookBaseEnv, EM_SERVICE_PORT: String(rec.port), EM_SERVICE_SLICE: rec.slice, PORT: String(rec.port), SLICE: rec.slice },
    timeoutMs: check.timeoutMs,
  });
  const output = result.lastLines.join('\n').slice(0, 1000);
  if (result.outcome === 'timed-out') return { status: 'critical', note: `${script} timed out after ${check.timeoutMs} ms` };
  if (result.outcome === 'not-started') return { status: 'critical', note: `${script} could not be started: ${result.error ?? ''}` };
  return { status: scriptCheckStatus(result.exitCode), note: output };
}

export function createHealthRunner(deps: HealthRunnerDeps): HealthRunner {
  const running = new Map<string, AbortController>();

  async function report(check: ResolvedHealthCheck, probe: Probe): Promise<void> {
    const verb = probe.status === 'passing' ? 'passCheck' : probe.status === 'warning' ? 'warnCheck' : 'failCheck';
    await deps.registry[verb](check.checkId, probe.note);
  }

  function loop(rec: InstalledRecord, check: ResolvedHealthCheck, signal: AbortSignal): void {
    let last: string | undefined;
    const tick = async (): Promise<void> => {
      const probe = check.type === 'http' ? await probeHttp(check.url ?? '', check.timeoutMs, check.tlsSkipVerify) : await probeScript(deps, check, rec);
      if (signal.aborted) return;
      if (probe.status !== last) deps.log(`health ${check.checkId}: ${probe.status} (${probe.note.split('\n')[0] ?? ''})`);
      last = probe.status;
      try {
        await report(check, probe);
      } catch (err) {
        if (err instanceof NotFoundError) deps.onMissingCheck(rec.serviceId);
        else deps.log(`health ${check.checkId}: the report failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const schedule = (delayMs: number) => {
      timer = setTimeout(() => {
        void tick().finally(() => {
          if (!signal.aborted) schedule(check.intervalMs);
        });
      }, delayMs);
    };
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    schedule(0);
  }

  const stop = (serviceId: string) => {
    running.get(serviceId)?.abort();
    running.delete(serviceId);
  };
  return {
    start(rec) {
      stop(rec.serviceId);
      const controller = new AbortController();
      running.set(rec.serviceId, controller);
      for (const check of rec.healthChecks) loop(rec, check, controller.signal);
    },
    stop,
    stopAll() {
      for (const id of [...running.keys()]) stop(id);
    },
  };
}
