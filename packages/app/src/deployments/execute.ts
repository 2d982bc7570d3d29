import { AlreadyExistsError, DomainError, tagsWithoutSavedSize, type Command, type CommandKind } from '@envmgr/domain';
import type { DeploymentDeps } from './deployment-deps.js';
import { deploymentIdIn } from './observe.js';
import { setSliceWeights } from './traffic-weights.js';

/** A command that can never succeed as it is (the configuration must change): the deployment fails with it. */
export interface PermanentFailure {
  kind: CommandKind;
  message: string;
}

/**
 * Carries out one command of `advance` or `cancel`. Each is idempotent (see the domain's `Command`): an existing
 * group counts as created, KV writes overwrite with the same value, and `markIgnored` writes only while the role
 * key still holds the deployment. Returns a permanent failure for errors retrying cannot fix (invalid input, refused
 * permission); throws anything else (an unreachable registry or cloud), which the driver retries on its next pass.
 */
export async function execute(deps: Pick<DeploymentDeps, 'compute' | 'registry' | 'config' | 'clock'>, c: Command): Promise<PermanentFailure | undefined> {
  try {
    await run(deps, c);
    return undefined;
  } catch (err) {
    if (err instanceof DomainError && (err.kind === 'invalid' || err.kind === 'forbidden' || err.kind === 'unprocessable')) {
      return { kind: c.kind, message: err.message };
    }
    throw err;
  }
}

async function run(deps: Pick<DeploymentDeps, 'compute' | 'registry' | 'config' | 'clock'>, c: Command): Promise<void> {
  switch (c.kind) {
    case 'createGroup':
      try {
        await deps.compute.createGroup(c.spec);
      } catch (err) {
        if (!(err instanceof AlreadyExistsError)) throw err;
      }
      return;
    case 'writeTargetState':
      // in order: the role key comes last, since agents act on it at once
      for (const w of c.writes) await deps.registry.kvPut(w.key, w.value);
      return;
    case 'writeOverallStatus':
      await deps.registry.kvPut(c.write.key, c.write.value);
      return;
    case 'wakeGroup': {
      // size first: a group scaled to zero launches its members again; then started members rejoin from Standby
      if (c.restoreSize) {
        const tags = (await deps.compute.getGroup(c.group))?.tags ?? {};
        await deps.compute.updateGroup(c.group, { size: c.restoreSize, tags: tagsWithoutSavedSize(tags) });
      }
      if (c.startInstanceIds.length > 0) await deps.compute.startInstances(c.startInstanceIds);
      if (c.exitStandbyInstanceIds.length > 0) await deps.compute.exitStandby(c.exitStandbyInstanceIds);
      return;
    }
    case 'setTrafficWeights':
      await setSliceWeights({ store: deps.config.store, now: () => deps.clock.now() }, { environment: c.environment, service: c.service, weights: c.weights, deploymentId: c.deploymentId });
      return;
    case 'markIgnored': {
      const current = (await deps.registry.kvGet(c.write.key)).value;
      if (!current || deploymentIdIn(current.value) !== c.onlyIfDeploymentId) return;
      // check-and-set: a newer deployment that took the key in between keeps it
      await deps.registry.kvPut(c.write.key, c.write.value, { cas: current.modifyIndex });
      return;
    }
  }
}

