import type { Clock } from '@envmgr/agent-core';
import type { Logger } from './agent-context.js';

/** The log of one deployment on this node: uploaded to EM at the end, and echoed to the agent's own log. */
export interface DeploymentLog {
  line(text: string): void;
  text(): string;
}

export function createDeploymentLog(clock: Clock, logger: Logger, prefix: string): DeploymentLog {
  const lines: string[] = [];
  return {
    line(text) {
      lines.push(`[${new Date(clock.now()).toISOString()}] ${text}`);
      logger.info(`${prefix} ${text}`);
    },
    text: () => `${lines.join('\n')}\n`,
  };
}
