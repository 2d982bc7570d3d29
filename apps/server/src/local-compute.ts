import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createLocalCompute, createProcessLauncher, type LocalCompute } from '@envmgr/adapter-compute-local';
import { authenticate, issueServiceToken } from '@envmgr/app';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import type { HttpLogger } from '@envmgr/http';
import type { ServerConfig } from './config.js';
import type { Server } from './compose.js';

/** The deployment agent that ships with EM (apps/agent), started by node for each local instance. */
const BUNDLED_AGENT = fileURLToPath(new URL('../../agent/bin/envmgr-agent.js', import.meta.url));

/** What agents may do through EM's API: read packages (any signed-in user may) and upload their logs. */
export const AGENT_ACCOUNT = { user: 'envmgr-agent', permissions: [{ Resource: '/logs/**', Access: 'PUT' }], tokenDays: 30 };

/**
 * Local compute: each instance of a group is a folder under <data>/compute plus a supervised agent process that
 * reaches the registry and EM's API on loopback, with a token of the `envmgr-agent` service account. Binds it as the
 * server's compute and starts the deployment driver, which needs it.
 */
export async function startLocalCompute(
  server: Server,
  config: ServerConfig,
  urls: { api: string; registry: string },
  logger: HttpLogger,
): Promise<LocalCompute> {
  const token = await agentToken(server, config);
  const [command, ...args] = config.agentCommand ? config.agentCommand.split(' ') : [process.execPath, BUNDLED_AGENT];
  const launcher = createProcessLauncher({
    command: command ?? process.execPath,
    args,
    baseEnv: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      ENVMGR_SERVER: urls.api,
      ENVMGR_REGISTRY_URL: urls.registry,
      ENVMGR_TOKEN: token,
      ...(config.agentMinFreeDiskMb !== undefined ? { ENVMGR_AGENT_MIN_FREE_DISK_MB: String(config.agentMinFreeDiskMb) } : {}),
    },
  });
  const compute = createLocalCompute({
    root: join(config.dataDir, 'compute'),
    launcher,
    onInstanceTerminated: (instance) => cleanUpAfter(server, instance),
    onError: (err) => logger.error({ err }, 'local compute: a reconcile pass failed; it is retried'),
  });
  // the HTTP app and the deployment driver reach compute through the server's stand-in
  server.compute.bind(compute);
  server.startDriver();
  return compute;
}

/**
 * The agents' token, kept (0600) in the data directory: instances outlive EM restarts and keep the token they were
 * started with, so it is reused while it stays valid, and replaced only when it is gone or close to expiry.
 */
async function agentToken(server: Server, config: ServerConfig): Promise<string> {
  const file = join(config.dataDir, 'agent-token');
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    const id = kept.slice(4, kept.indexOf('_', 4));
    const record = await server.identity.credentials.getToken(id);
    const usable = await authenticate(server.identity, { bearer: kept }).then(() => true, () => false);
    const weekMs = 7 * 86_400_000;
    if (usable && record?.expiresAt && Date.parse(record.expiresAt) - Date.now() > weekMs) return kept;
  }
  const token = await issueServiceToken(server.identity, AGENT_ACCOUNT, 'startup');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/**
 * What a terminated instance leaves behind outside its own process tree: services its agent started detached (they
 * run from the instance's folder) and their registrations, which a real machine's end would take with it.
 */
async function cleanUpAfter(server: Server, instance: { id: string; dir: string }): Promise<void> {
  for (const pid of processesUnder(instance.dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const node = server.registry.asNode({ name: instance.id, address: '127.0.0.1' });
  const checks = (await server.registry.healthNode(instance.id)).value;
  for (const serviceId of new Set(checks.map((c) => c.serviceId).filter((id): id is string => Boolean(id)))) {
    await node.deregisterService(serviceId);
  }
}

/** Processes whose working directory is inside `dir` (Linux /proc; elsewhere none are found). */
export function processesUnder(dir: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      return pid !== process.pid && (cwd === dir || cwd.startsWith(`${dir}/`));
    } catch {
      return false;
    }
  });
}
