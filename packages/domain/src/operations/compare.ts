/**
 * Comparing environments service by service (EM's environment comparison): the versions each one's target state
 * asks for and the versions actually registered there. Pure.
 */
import { sameName, type RunningInstance } from './registrations.js';
import { serviceNames, type VersionOrder } from './services-view.js';
import type { TargetStateView } from './target-state-view.js';

export interface EnvironmentVersions {
  environment: string;
  /** Versions of its `Install` and `Ignore` entries (any role, any slice), in version order. */
  target: string[];
  /** Versions registered in its catalog, in version order. */
  running: string[];
}

export interface ServiceComparison {
  service: string;
  /** The environments disagree on the target versions or on the running versions (one lacking the service included). */
  differs: boolean;
  /** One per environment compared, in the order given. */
  environments: EnvironmentVersions[];
}

export interface EnvironmentState {
  environment: string;
  targetState: TargetStateView;
  running: readonly RunningInstance[];
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** One row per service found in any of the environments, by name. */
export function compareEnvironments(states: readonly EnvironmentState[], order: VersionOrder): ServiceComparison[] {
  const names: string[] = [];
  for (const s of states) {
    for (const n of serviceNames(s.targetState, s.running)) if (!names.some((x) => sameName(x, n))) names.push(n);
  }
  names.sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  return names.map((service) => {
    const environments = states.map((s): EnvironmentVersions => {
      const target = s.targetState.targets.filter((t) => sameName(t.service, service) && t.action !== 'Uninstall').map((t) => t.version);
      const running = s.running.filter((r) => sameName(r.service, service)).flatMap((r) => (r.version === undefined ? [] : [r.version]));
      return { environment: s.environment, target: [...new Set(target)].sort(order), running: [...new Set(running)].sort(order) };
    });
    const [first, ...others] = environments;
    const differs = first !== undefined && others.some((e) => !same(e.target, first.target) || !same(e.running, first.running));
    return { service, differs, environments };
  });
}
