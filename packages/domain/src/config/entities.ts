import type { FieldProblem } from '../errors.js';
import { isJsonObject, stringAt, valueAt, type Json, type JsonObject } from '../json.js';
import type { EntityType, Reference } from './config-item.js';
import { opsRecordRules, opsValueOf } from '../environments/ops-record.js';
import { lbSettingProblems } from '../traffic/lb-setting-rules.js';

/** What a rule may look up: the data of another item as it will be once the change is applied. */
export type Resolve = (type: EntityType, key: string) => JsonObject | undefined;

/** Every item of a type the descriptor names in `peers`, as they will be once the change is applied. */
export type Peers = (type: EntityType) => readonly JsonObject[];

/** What a type's rules see besides the item. */
export interface RuleContext {
  resolve: Resolve;
  before: JsonObject | undefined;
}

/** What a type's write rules see: also every item of its peer types. */
export interface WriteRuleContext extends RuleContext {
  peers: Peers;
}

/** A value that must be unique among all items of a type, such as a service's port. */
export interface UniqueClaim {
  /** Namespace + value, e.g. `service-port:40100`. */
  value: string;
  path: string;
}

export interface EntityDescriptor {
  type: EntityType;
  /** Human name used in messages, e.g. "environment type". */
  label: string;
  /** Fields of the wire document that make up the key. */
  keyFields: readonly string[];
  /** The item's key, or undefined when the key fields are missing. */
  keyOf(data: JsonObject): string | undefined;
  /** Items this one refers to; each must exist while this one does. */
  references(data: JsonObject): Reference[];
  /** Attributes lists can be filtered by (query parameter name → value). */
  indexes(data: JsonObject): Record<string, string>;
  uniques(data: JsonObject): UniqueClaim[];
  /** Rules that need other items or the previous version; schema checks happen before this. */
  rules(data: JsonObject, ctx: RuleContext): FieldProblem[];
  /**
   * Rules of single-item writes only (create, update), not of imports: an import restores data as it was exported,
   * including items stored before a rule existed (a backup must always restore). E.g. an LB setting nginx would
   * refuse; `envmgr edge` still reports such an imported one and keeps its last good configuration.
   */
  writeRules?: (data: JsonObject, ctx: WriteRuleContext) => FieldProblem[];
  /** Types whose every item the write rules need (`ctx.peers`); loaded only for single-item writes of this type. */
  peers?: readonly EntityType[];
}

const none = (): never[] => [];

function ref(type: EntityType, data: JsonObject, path: string): Reference[] {
  const key = stringAt(data, path);
  return key ? [{ type, key, path }] : [];
}

function simple(type: EntityType, label: string, keyField: string, extra: Partial<EntityDescriptor> = {}): EntityDescriptor {
  return {
    type,
    label,
    keyFields: [keyField],
    keyOf: (d) => stringAt(d, keyField),
    references: none,
    indexes: () => ({}),
    uniques: none,
    rules: none,
    ...extra,
  };
}

function arrayAt(data: JsonObject, path: string): Json[] {
  const v = valueAt(data, path);
  return Array.isArray(v) ? v : [];
}

const environments = simple('environments', 'environment', 'EnvironmentName', {
  references: (d) => [
    ...ref('environment-types', d, 'Value.EnvironmentType'),
    ...ref('clusters', d, 'Value.OwningCluster'),
    ...ref('deployment-maps', d, 'Value.DeploymentMap'),
    ...ref('notification-settings', d, 'Value.NotificationSettingsId'),
  ],
  indexes: (d) => compact({ environmentType: stringAt(d, 'Value.EnvironmentType'), cluster: stringAt(d, 'Value.OwningCluster') }),
  rules: (d, { resolve }) => {
    const name = stringAt(d, 'EnvironmentName') ?? '';
    const typeName = stringAt(d, 'Value.EnvironmentType');
    const type = typeName ? resolve('environment-types', typeName) : undefined;
    const pattern = type ? stringAt(type, 'Value.NamingPattern') : undefined;
    if (!pattern) return [];
    return matchesPattern(pattern, name)
      ? []
      : [{ path: 'EnvironmentName', message: `'${name}' does not match the naming pattern '${pattern}' of environment type '${typeName}'` }];
  },
});

/** The ops record of an environment (SPEC §3.3): deploy lock, maintenance and schedule flags; one per environment. */
const environmentOps = simple('environment-ops', 'environment ops record', 'EnvironmentName', {
  references: (d) => ref('environments', d, 'EnvironmentName'),
  indexes: (d) => {
    const v = opsValueOf(d);
    return { deploymentsLocked: String(v.DeploymentsLocked === true), inMaintenance: String(v.EnvironmentInMaintenance === true) };
  },
  rules: (d) => opsRecordRules(d),
});

function matchesPattern(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return true; // the environment type's own validation reports a bad pattern
  }
}

const services = simple('services', 'service', 'ServiceName', {
  references: (d) => ref('clusters', d, 'OwningCluster'),
  indexes: (d) => compact({ cluster: stringAt(d, 'OwningCluster') }),
  uniques: (d) =>
    (['BluePort', 'GreenPort'] as const).flatMap((p) => {
      const port = valueAt(d, `Value.${p}`);
      return typeof port === 'number' ? [{ value: `service-port:${port}`, path: `Value.${p}` }] : [];
    }),
  rules: (d, { before }) => servicePortRules(d, before),
});

function servicePortRules(d: JsonObject, before: JsonObject | undefined): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const blue = valueAt(d, 'Value.BluePort');
  const green = valueAt(d, 'Value.GreenPort');
  if (typeof blue === 'number' && blue === green) {
    problems.push({ path: 'Value.GreenPort', message: `the green port must differ from the blue port (${blue})` });
  }
  for (const p of ['BluePort', 'GreenPort']) {
    const was = before ? valueAt(before, `Value.${p}`) : undefined;
    const now = valueAt(d, `Value.${p}`);
    if (typeof was === 'number' && now !== was) {
      problems.push({ path: `Value.${p}`, message: `${p} is fixed once set (it is ${was}); create a new service to use another port` });
    }
  }
  return problems;
}

const deploymentMaps = simple('deployment-maps', 'deployment map', 'DeploymentMapName', {
  references: (d) =>
    arrayAt(d, 'Value.DeploymentTarget').flatMap((target, i) => {
      if (!isJsonObject(target)) return [];
      const base = `Value.DeploymentTarget.${i}`;
      const owning = ref('clusters', target, 'OwningCluster').map((r) => ({ ...r, path: `${base}.OwningCluster` }));
      const svcs = arrayAt(target, 'Services').flatMap((s, j) =>
        isJsonObject(s) ? ref('services', s, 'ServiceName').map((r) => ({ ...r, path: `${base}.Services.${j}.ServiceName` })) : [],
      );
      return [...owning, ...svcs];
    }),
  rules: (d) => serverRoleNameRules(d),
});

function serverRoleNameRules(d: JsonObject): FieldProblem[] {
  const seen = new Set<string>();
  return arrayAt(d, 'Value.DeploymentTarget').flatMap((target, i) => {
    const name = isJsonObject(target) ? stringAt(target, 'ServerRoleName') : undefined;
    if (!name) return [];
    const lower = name.toLowerCase();
    if (seen.has(lower)) return [{ path: `Value.DeploymentTarget.${i}.ServerRoleName`, message: `server role '${name}' appears twice in this map` }];
    seen.add(lower);
    return [];
  });
}

const lbSettings: EntityDescriptor = {
  ...simple('lb-settings', 'load-balancer setting', 'EnvironmentName'),
  keyFields: ['EnvironmentName', 'VHostName'],
  keyOf: (d) => {
    const env = stringAt(d, 'EnvironmentName');
    const vhost = stringAt(d, 'VHostName');
    return env && vhost ? lbSettingKey(env, vhost) : undefined;
  },
  references: (d) => ref('environments', d, 'EnvironmentName'),
  peers: ['upstreams', 'lb-settings'],
  writeRules: (d, { peers }) =>
    lbSettingProblems(d, {
      upstreams: peers('upstreams'),
      lbSettings: peers('lb-settings').filter((s) => stringAt(s, 'EnvironmentName') === stringAt(d, 'EnvironmentName')),
    }),
  indexes: (d) => {
    const frontEnd = valueAt(d, 'Value.FrontEnd');
    return compact({ environment: stringAt(d, 'EnvironmentName'), frontend: typeof frontEnd === 'boolean' ? String(frontEnd) : undefined });
  },
};

export function lbSettingKey(environment: string, vhost: string): string {
  return `${environment}/${vhost}`;
}

export function upstreamKey(environment: string, upstreamName: string): string {
  return `/${environment}_${upstreamName}/config`;
}

const upstreams: EntityDescriptor = {
  ...simple('upstreams', 'upstream', 'key'),
  keyOf: (d) => {
    const env = stringAt(d, 'Value.EnvironmentName');
    const name = stringAt(d, 'Value.UpstreamName');
    return env && name ? upstreamKey(env, name) : undefined;
  },
  references: (d) => [...ref('environments', d, 'Value.EnvironmentName'), ...ref('services', d, 'Value.ServiceName')],
  indexes: (d) => compact({ environment: stringAt(d, 'Value.EnvironmentName'), service: stringAt(d, 'Value.ServiceName') }),
  rules: (d, { resolve }) => upstreamRules(d, resolve),
};

function upstreamRules(d: JsonObject, resolve: Resolve): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const env = stringAt(d, 'Value.EnvironmentName') ?? '';
  const name = stringAt(d, 'Value.UpstreamName') ?? '';
  const key = stringAt(d, 'key');
  if (!name.startsWith(`${env}-`)) {
    problems.push({ path: 'Value.UpstreamName', message: `'${name}' must start with the environment name and a dash ('${env}-')` });
  }
  if (key !== undefined && key !== upstreamKey(env, name)) {
    problems.push({ path: 'key', message: `must be '${upstreamKey(env, name)}' for this environment and upstream name` });
  }
  const serviceName = stringAt(d, 'Value.ServiceName');
  const service = serviceName ? resolve('services', serviceName) : undefined;
  const ports = service ? [valueAt(service, 'Value.BluePort'), valueAt(service, 'Value.GreenPort')] : [];
  if (ports.length === 2 && ports.every((p) => typeof p === 'number')) {
    arrayAt(d, 'Value.Hosts').forEach((h, i) => {
      const port = isJsonObject(h) ? h.Port : undefined;
      if (typeof port === 'number' && !ports.includes(port)) {
        problems.push({ path: `Value.Hosts.${i}.Port`, message: `${port} is neither the blue nor the green port of service '${serviceName}' (${ports.join(', ')})` });
      }
    });
  }
  return problems;
}

const accounts: EntityDescriptor = {
  ...simple('accounts', 'account', 'AccountNumber'),
  rules: (d) => {
    const stage = stringAt(d, 'Stage');
    const purpose = stringAt(d, 'Purpose') ?? 'application';
    if (stage === undefined || purpose === 'application') return [];
    return [{ path: 'Stage', message: `a stage ('${stage}') belongs to application accounts; this one's purpose is ${purpose}: remove Stage or set Purpose to application` }];
  },
  // single writes only: an import restores EM's accounts as exported, whatever their role
  peers: ['accounts'],
  writeRules: (d, { peers }) => accountWriteProblems(d, peers('accounts')),
};

/** The child role lives in the account it serves (SPEC §12), and an organisation has one logs account (SPEC §2). */
function accountWriteProblems(d: JsonObject, all: readonly JsonObject[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const number = stringAt(d, 'AccountNumber');
  const roleArn = stringAt(d, 'RoleArn');
  const roleAccount = roleArn?.split(':')[4];
  if (number && roleArn && roleAccount !== number) {
    const fixed = roleArn.replace(/^(arn:[^:]+:iam::)\d{12}(:)/, `$1${number}$2`);
    problems.push({ path: 'RoleArn', message: `the role is in account ${roleAccount ?? '?'}, not ${number}: EM assumes the role of the account itself; use ${fixed}` });
  }
  if (stringAt(d, 'Purpose') === 'logs') {
    const other = all.find((a) => stringAt(a, 'Purpose') === 'logs' && stringAt(a, 'AccountNumber') !== number);
    if (other) problems.push({ path: 'Purpose', message: `account ${stringAt(other, 'AccountNumber') ?? '?'} is already the logs account; an organisation has one: change that one's purpose first` });
  }
  return problems;
}

function compact(o: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

export const ENTITIES: Readonly<Record<EntityType, EntityDescriptor>> = {
  accounts,
  'notification-settings': simple('notification-settings', 'notification settings', 'NotificationSettingsId'),
  clusters: simple('clusters', 'cluster', 'ClusterName', {
    references: (d) => ref('notification-settings', d, 'Value.NotificationSettingsId'),
  }),
  'environment-types': simple('environment-types', 'environment type', 'EnvironmentType'),
  services,
  'deployment-maps': deploymentMaps,
  environments,
  'environment-ops': environmentOps,
  'lb-settings': lbSettings,
  upstreams,
  permissions: simple('permissions', 'permission set', 'Name'),
  groups: simple('groups', 'group', 'GroupName'),
  users: simple('users', 'user', 'UserName', {
    references: (d) =>
      arrayAt(d, 'Value.Groups').flatMap((g, i) => (typeof g === 'string' ? [{ type: 'groups' as const, key: g, path: `Value.Groups.${i}` }] : [])),
  }),
};

/**
 * Types whose items belong to an item of another type under the same key and are deleted with it (SPEC §3.3: an
 * environment's delete removes its ops record), instead of blocking the delete as a referrer would.
 */
export const OWNED_TYPES: Readonly<Partial<Record<EntityType, readonly EntityType[]>>> = { environments: ['environment-ops'] };

/** What a store needs to know about an item's data besides the data itself. */
export interface ItemFacts {
  references: Reference[];
  indexes: Record<string, string>;
  uniques: UniqueClaim[];
}

export function itemFacts(type: EntityType, data: JsonObject): ItemFacts {
  const d = ENTITIES[type];
  const key = d.keyOf(data);
  // names are unique regardless of case (SPEC §9: names compare case-insensitively), so 'hello' cannot join 'Hello'
  const name: UniqueClaim[] = key === undefined ? [] : [{ value: `name:${type}:${key.toLowerCase()}`, path: d.keyFields.join('+') }];
  return { references: d.references(data), indexes: d.indexes(data), uniques: [...name, ...d.uniques(data)] };
}
