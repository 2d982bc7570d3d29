/**
 * The deployment agent's composition root (`envmgr-agent`): reads its configuration, builds the adapters of its
 * ports, and runs until SIGTERM/SIGINT. On a signal it stops watching and exits, leaving installed services running:
 * an agent restart must not take services down. A second signal exits at once.
 */
import { createConsulRegistry } from '@envmgr/adapter-registry-consul';
import type { Clock } from '@envmgr/agent-core';
import { runAgent, createReRegistration } from './agent.js';
import { loadAgentConfig } from './config.js';
import { createHttpArtifactFetcher } from './em/artifact-fetcher.js';
import { createHttpLogUploader } from './em/log-uploader.js';
import { createHealthRunner } from './health/health-runner.js';
import { createConsoleLogger, type AgentContext } from './install/agent-context.js';
import { messageOf } from './install/step-error.js';
import { isPortFree } from './machine/ports.js';
import { createChildProcessRunner } from './machine/process-runner.js';
import { createDetachedServiceSupervisor } from './machine/service-supervisor.js';
import { openStateStore } from './state/state-store.js';

async function main(): Promise<number> {
  const loaded = loadAgentConfig(process.env, process.platform);
  if (!loaded.ok) {
    process.stderr.write(`envmgr-agent cannot start:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 2;
  }
  const config = loaded.config;
  const clock: Clock = { now: () => Date.now() };
  const logger = createConsoleLogger(clock);
  if (!config.server.token) logger.warn('ENVMGR_TOKEN is not set: package downloads and log uploads go without credentials');

  const registry = createConsulRegistry({
    baseUrl: config.registry.url,
    node: { name: config.identity.instanceId, address: config.privateAddress },
    ...(config.registry.token ? { token: config.registry.token } : {}),
  });
  const runner = createChildProcessRunner();
  const state = await openStateStore(config.instanceDir);
  // the health runner and the re-registration need each other through the context; tie them after both exist
  let reRegister: (serviceId: string) => void = () => undefined;
  const health = createHealthRunner({
    registry,
    runner,
    hookBaseEnv: config.hookBaseEnv,
    log: (m) => logger.info(m),
    onMissingCheck: (id) => reRegister(id),
  });
  const server = { baseUrl: config.server.url, ...(config.server.token ? { token: config.server.token } : {}) };
  const ctx: AgentContext = {
    config,
    registry,
    fetcher: createHttpArtifactFetcher(server),
    runner,
    supervisor: createDetachedServiceSupervisor(),
    logs: createHttpLogUploader(server),
    clock,
    state,
    health,
    logger,
    isPortFree: (port) => isPortFree(port),
  };
  reRegister = createReRegistration(ctx);

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    logger.info(`${signal}: finishing the current action, then stopping (services keep running)`);
    controller.abort(new DOMException(`agent stopping on ${signal}`, 'AbortError'));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await runAgent(ctx, controller.signal);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`envmgr-agent failed: ${err instanceof Error ? (err.stack ?? messageOf(err)) : String(err)}\n`);
    process.exit(1);
  },
);
