import type { HttpLogger } from '@envmgr/http';
import type { Server } from './compose.js';
import type { ServerConfig } from './config.js';
import { startLocalCompute } from './local-compute.js';

/**
 * Starts the configured compute once EM listens: with `aws` it is already bound (composeServer) and only the driver
 * starts; with `local`, local compute starts (which starts the driver). For main.ts in place of `startLocalCompute`.
 */
export async function startConfiguredCompute(server: Server, config: ServerConfig, urls: { api: string; registry: string }, logger: HttpLogger): Promise<{ close(): Promise<void> }> {
  if (server.awsCompute) {
    server.startDriver();
    // the estate's clients are closed with the server
    return { close: () => Promise.resolve() };
  }
  return startLocalCompute(server, config, urls, logger);
}
