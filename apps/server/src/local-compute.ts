import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createLocalCompute, createProcessLauncher, type LocalCompute } from '@envmgr/adapter-compute-local';
import { issueServiceToken } from '@envmgr/app';
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
  const token = await issueServiceToken(server.identity, AGENT_ACCOUNT, 'startup');
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
