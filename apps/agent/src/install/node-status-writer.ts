import {
  hasBeenAttempted,
  inProgressStatus,
  parseNodeStatus,
  withCompletedStage,
  type NodeDeploymentStatus,
} from '@envmgr/agent-core';
import { setTimeout as sleep } from 'node:timers/promises';
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

/** How long the final status write waits for a registry it cannot reach (e.g. EM restarting in the embedded mode). */
export const FINAL_WRITE_WAIT_MS = 120_000;

export function createNodeStatusWriter(registry: Registry, key: string, log: DeploymentLog): NodeStatusWriter {
  let status: NodeDeploymentStatus | undefined;
  let modifyIndex = 0;
  let lost = false;

  async function refreshIndex(): Promise<void> {
    const read = await registry.kvGet(key);
    modifyIndex = read.value?.modifyIndex ?? 0;
  }

  /** Every value this writer wrote or tried to write: finding one of them in the key means the key is still ours. */
  const ours = new Set<string>();

  /** One attempt: `error` when the registry could not be asked (the write may or may not have landed). */
  async function tryWrite(next: NodeDeploymentStatus): Promise<'ok' | 'lost' | 'error'> {
    const text = JSON.stringify(next);
    ours.add(text);
    try {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        if (await registry.kvPut(key, text, { cas: modifyIndex })) {
          // when reading the new index fails, the next write finds the key by its value (below)
          await refreshIndex().catch(() => undefined);
          return 'ok';
        }
        // the check-and-set failed: someone else wrote, or our index is stale because an answer was lost while the
        // registry was away (EM restarting, in the embedded mode)
        const current = (await registry.kvGet(key)).value;
        if (current?.value === text) {
          modifyIndex = current.modifyIndex;
          return 'ok';
        }
        if (!current || !ours.has(current.value)) break;
        modifyIndex = current.modifyIndex;
      }
      lost = true;
      log.line(`the node status ${key} was changed by someone else; leaving it as it is`);
      return 'lost';
    } catch (err) {
      log.line(`could not write the node status ${key}: ${messageOf(err)}`);
      return 'error';
    }
  }

  async function write(next: NodeDeploymentStatus): Promise<void> {
    status = next;
    // a registry hiccup must not fail the install; the final write waits for the registry
    if (!lost) await tryWrite(next);
  }

  /** The final status must reach the registry, or EM waits for this node until its timeout: retry while it is away. */
  async function writeFinal(next: NodeDeploymentStatus): Promise<void> {
    status = next;
    const until = Date.now() + FINAL_WRITE_WAIT_MS;
    for (let delay = 500; !lost; delay = Math.min(delay * 2, 5000)) {
      if ((await tryWrite(next)) !== 'error' || Date.now() + delay > until) return;
      await sleep(delay);
    }
  }

  return {
    current: () => status,
    async begin(startTime) {
      const read = await registry.kvGet(key);
      if (hasBeenAttempted(parseNodeStatus(read.value?.value))) return 'attempted';
      const next = inProgressStatus(startTime);
      ours.add(JSON.stringify(next));
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
      await writeFinal(final(status));
    },
  };
}
