/**
 * An environment's servers: its groups (one per runtime server role), their instances, the services each instance
 * runs and whether that is what the target state asks for. Pure: the caller reads compute, the registry's catalog
 * and the target state.
 */
import { convergenceOf, servicesOnInstance, type Convergence, type InstanceService, type InstanceState } from './convergence.js';
import type { RunningInstance } from './registrations.js';
import { sameName } from './registrations.js';
import type { TargetStateView } from './target-state-view.js';

/** A group as the Compute port returns it (the fields read here). */
export interface GroupInput {
  name: string;
  tags: Record<string, string>;
  size: { min: number; desired: number; max: number };
}

/** An instance as the Compute port returns it (the fields read here). */
export interface InstanceInput {
  id: string;
  name: string;
  tags: Record<string, string>;
  state: InstanceState;
  privateAddress: string | undefined;
  lifecycleState: string | undefined;
  health: string | undefined;
  launchTime: string;
}

export interface ServerInstanceView {
  id: string;
  name: string;
  state: InstanceState;
  /** Where it stands in its group (`InService`, `Standby`, ...); undefined when it is not a member. */
  lifecycle: string | undefined;
  /** The group's view of it (`Healthy`/`Unhealthy`); undefined when it is not a member. */
  health: string | undefined;
  address: string | undefined;
  launchTime: string;
  /** The runtime role whose target state its agent follows (its `Role` tag). */
  role: string | undefined;
  services: InstanceService[];
  convergence: Convergence;
}

export interface ServerGroupView {
  name: string;
  /** The runtime server role (`Role` tag). */
  role: string | undefined;
  /** The owning cluster (`OwningCluster` tag). */
  cluster: string | undefined;
  size: { min: number; desired: number; max: number };
  /** Every instance converged (true for a group without instances). */
  converged: boolean;
  instances: ServerInstanceView[];
}

/** One group of an environment with its instances judged against the target state. */
export function serverGroupView(p: {
  group: GroupInput;
  instances: readonly InstanceInput[];
  targetState: TargetStateView;
  running: readonly RunningInstance[];
}): ServerGroupView {
  const instances = p.instances.map((i): ServerInstanceView => {
    const role = i.tags.Role ?? p.group.tags.Role;
    const targets = role === undefined ? [] : p.targetState.targets.filter((t) => sameName(t.role, role));
    const running = p.running.filter((r) => r.instanceId === i.id);
    return {
      id: i.id,
      name: i.name,
      state: i.state,
      lifecycle: i.lifecycleState,
      health: i.health,
      address: i.privateAddress,
      launchTime: i.launchTime,
      role,
      services: servicesOnInstance({ instanceId: i.id, targets, running }),
      convergence: convergenceOf({ instanceId: i.id, state: i.state, targets, running }),
    };
  });
  return {
    name: p.group.name,
    role: p.group.tags.Role,
    cluster: p.group.tags.OwningCluster,
    size: { ...p.group.size },
    converged: instances.every((i) => i.convergence.converged),
    instances,
  };
}
