import {
  hasBeenAttempted,
  inProgressStatus,
  parseNodeStatus,
  withCompletedStage,
  type NodeDeploymentStatus,
} from '@envmgr/agent-core';
import type { Registry } from '@envmgr/ports';
import type { DeploymentLog } from './deployment-log.js';
import { messageOf } from './step-error.js';

/**
 * Writes `deployments/<id>/nodes/<instanceId>` by check-and-set: the start only when the key is absent or shows no
 * attempt, every later write only over our own last write. When someone else changes the key meanwhile (EM's
 * monitor marking it timed out, say), the agent stops writing it and logs why.
 */
export interface NodeStatusWriter {
  /** `started`, or why not: this node already attempted the deployment, or the key changed under us. */
  begin(startTime: string): Promise<'started' | 'attempted' | 'conflict'>;
  stage(stage: string): Promise<void>;
  finish(final: (current: NodeDeploymentStatus) => NodeDeploymentStatus): Promise<void>;
  current(): NodeDeploymentStatus | undefined;
}

export function createNodeStatusWriter(registry: Registry, key: string, log: DeploymentLog): NodeStatusWriter {
  let status: NodeDeploymentStatus | undefined;
  let modifyIndex = 0;
  let lost = false;

  async function refreshIndex(): Promise<void> {
    const read = await registry.kvGet(key);
    modifyIndex = read.value?.modifyIndex ?? 0;
  }

  async function write(next: NodeDeploymentStatus): Promise<void> {
    status = next;
    if (lost) return;
    try {
      if (await registry.kvPut(key, JSON.stringify(next), { cas: modifyIndex })) {
        await refreshIndex();
        return;
      }
      lost = true;
      log.line(`the node status ${key} was changed by someone else; leaving it as it is`);
    } catch (err) {
      // a registry hiccup must not fail the install; the final write tries again
      log.line(`could not write the node status ${key}: ${messageOf(err)}`);
    }
  }

  return {
    current: () => status,
    async begin(startTime) {
      const read = await registry.kvGet(key);
      if (hasBeenAttempted(parseNodeStatus(read.value?.value))) return 'attempted';
      const next = inProgressStatus(startTime);
      if (!(await registry.kvPut(key, JSON.stringify(next), { cas: read.value?.modifyIndex ?? 0 }))) return 'conflict';
      status = next;
      await refreshIndex();
      return 'started';
    },
    async stage(stage) {
      if (status) await write(withCompletedStage(status, stage));
    },
    async finish(final) {
      if (!status) return;
      if (!lost && modifyIndex === 0) await refreshIndex().catch(() => undefined);
      await write(final(status));
    },
  };
}
