import type { ArtifactFetcher, Clock, LogUploader, ProcessRunner, ServiceSupervisor } from '@envmgr/agent-core';
import type { Registry } from '@envmgr/ports';
import type { AgentConfig } from '../config.js';
import type { HealthRunner } from '../health/health-runner.js';
import type { StateStore } from '../state/state-store.js';

/** Lines for the agent's own log (stdout, which the local compute appends to the instance's agent.log). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Everything the agent's work needs, built once by the composition root (main.ts). */
export interface AgentContext {
  config: AgentConfig;
  /** The registry client of this node (its agent operations act for the instance). */
  registry: Registry;
  fetcher: ArtifactFetcher;
  runner: ProcessRunner;
  supervisor: ServiceSupervisor;
  logs: LogUploader;
  clock: Clock;
  state: StateStore;
  health: HealthRunner;
  logger: Logger;
  /** Whether a port can be bound now (used to pick service ports in the instance's block). */
  isPortFree(port: number): Promise<boolean>;
}

export function createConsoleLogger(clock: Clock, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger {
  const line = (level: string, message: string) => out(`${new Date(clock.now()).toISOString()} ${level} ${message}`);
  return {
    info: (m) => line('info ', m),
    warn: (m) => line('warn ', m),
    error: (m) => line('error', m),
  };
}
