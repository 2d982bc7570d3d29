import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createLocalCompute, createProcessLauncher, type LocalCompute } from '@envmgr/adapter-compute-local';
import { authenticate, issueServiceToken } from '@envmgr/app';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { HttpLogger } from '@envmgr/http';
import type { ServerConfig } from './config.js';
import type { Server } from './compose.js';

/** The deployment agent that ships with EM (apps/agent), started by node for each local instance. */
const BUNDLED_AGENT = fileURLToPath(new URL('../../agent/bin/envmgr-agent.js', import.meta.url));

/** What agents may do through EM's API: read packages (any signed-in user may) and upload their logs. */
export const AGENT_ACCOUNT = { user: 'envmgr-agent', permissions: [{ Resource: '/logs/**', Access: 'PUT' }], tokenDays: 30 };

/**
 * Local compute: each instance of a group is a folder under <data>/compute plus a supervised agent process that
 * reaches the registry and EM's API on loopback, with a token of the `envmgr-agent` service account.
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
    },
  });
  return createLocalCompute({
    root: join(config.dataDir, 'compute'),
    launcher,
    onError: (err) => logger.error({ err }, 'local compute: a reconcile pass failed; it is retried'),
  });
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
