import { DependencyUnavailableError } from '@envmgr/domain';
import type { Compute } from '@envmgr/ports';

/** A Compute whose adapter is given later; calls before that fail with 503. */
export interface LateCompute extends Compute {
  bind(target: Compute): void;
}

/**
 * Local compute starts once EM listens (its agents need EM's address), after the HTTP app is built; the app and the
 * driver hold this stand-in, which answers "starting" until then instead of failing at random.
 */
export function createLateCompute(): LateCompute {
  let target: Compute | undefined;
  const now = (): Compute => {
    if (!target) throw new DependencyUnavailableError('compute is starting; retry in a moment');
    return target;
  };
  return {
    bind: (t) => {
      target = t;
    },
    createGroup: (...a) => now().createGroup(...a),
    updateGroup: (...a) => now().updateGroup(...a),
    deleteGroup: (...a) => now().deleteGroup(...a),
    setDesiredCapacity: (...a) => now().setDesiredCapacity(...a),
    enterStandby: (...a) => now().enterStandby(...a),
    exitStandby: (...a) => now().exitStandby(...a),
    listGroups: (...a) => now().listGroups(...a),
    getGroup: (...a) => now().getGroup(...a),
    listInstances: (...a) => now().listInstances(...a),
    getInstance: (...a) => now().getInstance(...a),
    startInstances: (...a) => now().startInstances(...a),
    stopInstances: (...a) => now().stopInstances(...a),
    terminateInstances: (...a) => now().terminateInstances(...a),
    setInstanceTags: (...a) => now().setInstanceTags(...a),
    suspendProcesses: (...a) => now().suspendProcesses(...a),
    resumeProcesses: (...a) => now().resumeProcesses(...a),
    close: () => (target ? target.close() : Promise.resolve()),
  };
}
