/** Builders for the operations tests: registrations and role entries as the registry and the agents make them. */
import type { CheckState, Registration, RunningInstance } from './registrations.js';
import { runningInstanceOf } from './registrations.js';
import type { RoleTarget } from './target-state-view.js';

/** A registration as the agent makes it: `<env>-<service>[-<slice>]` with its tags and one TTL check. */
export function aRegistration(p: {
  env?: string;
  service?: string;
  slice?: 'none' | 'blue' | 'green';
  node?: string;
  version?: string;
  deploymentId?: string;
  role?: string;
  port?: number;
  status?: CheckState;
  output?: string;
}): Registration {
  const env = p.env ?? 'c50';
  const slice = p.slice ?? 'none';
  const name = slice === 'none' ? `${env}-${p.service ?? 'Hello'}` : `${env}-${p.service ?? 'Hello'}-${slice}`;
  const version = p.version ?? '1.0.0';
  const deploymentId = p.deploymentId ?? 'd1';
  return {
    node: { node: p.node ?? 'i-1', address: '10.0.0.1' },
    service: {
      id: name,
      name,
      tags: [`environment:${env}`, `deployment_id:${deploymentId}`, `server_role:${p.role ?? 'Web'}`, `slice:${slice}`, `version:${version}`],
      address: '',
      port: p.port ?? 40100,
      meta: { version, deployment_id: deploymentId },
    },
    checks: [{ checkId: `${name}:health`, name: 'health', status: p.status ?? 'passing', output: p.output ?? 'ok', notes: '' }],
  };
}

export function aRunning(p: Parameters<typeof aRegistration>[0] = {}): RunningInstance {
  const r = runningInstanceOf(p.env ?? 'c50', aRegistration(p));
  if (!r) throw new TypeError('the fixture is not a registration of its environment');
  return r;
}

export function aTarget(p: Partial<RoleTarget> = {}): RoleTarget {
  const t = { role: 'Web', service: 'Hello', slice: 'none' as const, version: '1.0.0', deploymentId: 'd1', instanceIds: [], action: 'Install' as const, ...p };
  return { ...t, key: p.key ?? `environments/c50/roles/${t.role}/services/${t.service}/${t.slice}` };
}

/** Plain text order, standing in for semver order where the tests need no more. */
export const textOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
