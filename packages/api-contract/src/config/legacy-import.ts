import type { z } from 'zod';
import type { ConfigType } from './entity-types.js';
import { int } from './entities/fields.js';
import { ENTITY_SCHEMAS } from './entity-schemas.js';

/*
 * Conversion of trainline/environment-manager exports (SPEC §10) into EM items. EM's `GET /config/export/{resource}`
 * returns the stored table items: they carry `Audit`, EM-derived fields and DynamoDB-era typing (integer account
 * numbers, numbers and booleans sometimes as strings). Only EM-internal or derived fields are dropped; anything else
 * stays, so the entity schema reports it instead of the data silently changing.
 */

/**
 * EM's export resource names (plus notification settings and ops records, which EM omitted; their items come from
 * the nightly backup of ConfigNotificationSettings and InfraOpsEnvironment) and the configuration types they hold.
 */
export const LEGACY_RESOURCES = {
  accounts: 'accounts',
  clusters: 'clusters',
  deploymentmaps: 'deployment-maps',
  environments: 'environments',
  environmenttypes: 'environment-types',
  lbsettings: 'lb-settings',
  lbupstream: 'upstreams',
  permissions: 'permissions',
  services: 'services',
  notificationsettings: 'notification-settings',
  opsenvironments: 'environment-ops',
} as const satisfies Record<string, ConfigType>;
export type LegacyResource = keyof typeof LEGACY_RESOURCES;

/** One problem of a legacy export; `path` starts with the item's index in the export, e.g. `3.Value.Consul.Port`. */
export interface LegacyProblem {
  path: string;
  message: string;
}

export type LegacyConversion =
  | { ok: true; type: ConfigType; items: Record<string, unknown>[] }
  | { ok: false; errors: LegacyProblem[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// EM's client-side schemas accept these as digit strings too ("numeric" in LBSettings.schema.json).
const NUMERIC_FIELDS = new Set([
  'SchemaVersion', 'Port', 'BluePort', 'GreenPort', 'MinCapacity', 'DesiredCapacity', 'MaxCapacity', 'Size', 'TerminationDelay',
  'Weight', 'MaxFails', 'UpStreamKeepalives', 'Priority', 'IfConditionPriority', 'Fails', 'Passes', 'ReturnCode', 'MarkForDeleteTimestamp',
]);
const BOOLEAN_FIELDS = new Set([
  'IncludeAMIs', 'FleetPerSlice', 'IsOne', 'FrontEnd', 'SSL', 'SiteInMaintenance', 'Tokenise', 'Secure', 'MarkForDelete',
  'ManualScheduleUp', 'ScheduleAutomatically', 'DeploymentsLocked', 'EnvironmentInMaintenance',
]);
// nginx reads a bare number as seconds (or bytes for ZoneSize), so the number's string form means the same.
const DURATION_FIELDS = new Set(['FailTimeout', 'SlowStart', 'ZoneSize']);
// DynamoDB stored account numbers as numbers, which lose leading zeros.
const ACCOUNT_NUMBER_FIELDS = new Set(['AccountNumber', 'AWSAccountNumber']);

function retyped(key: string, v: unknown): unknown {
  if (typeof v === 'string' && NUMERIC_FIELDS.has(key) && /^\d{1,15}$/.test(v)) return Number(v);
  if (typeof v === 'string' && BOOLEAN_FIELDS.has(key) && (v === 'true' || v === 'false')) return v === 'true';
  if (typeof v === 'number' && DURATION_FIELDS.has(key) && Number.isInteger(v) && v >= 0) return String(v);
  if (typeof v === 'number' && ACCOUNT_NUMBER_FIELDS.has(key) && Number.isInteger(v) && v >= 0 && v <= 999_999_999_999) {
    return String(v).padStart(12, '0');
  }
  return v;
}

/** EM drops empty strings on save; nulls come from its optional fields (RoleArn). Array elements keep their places. */
function tidy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(tidy);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [key, value] of Object.entries(v)) {
    if (value === '' || value === null || value === undefined) continue;
    out[key] = retyped(key, tidy(value));
  }
  return out;
}

function without(item: Obj, keys: readonly string[]): Obj {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !keys.includes(k)));
}

/** A converted item, `skip` for an item EM itself hides, or a problem that stops the item from converting. */
type Step = { item: Obj } | { skip: true } | { problem: LegacyProblem };

const isTrue = (v: unknown) => v === true || v === 'true';

const UPSTREAM_VALUE_FIELDS = [
  'Hosts', 'LoadBalancingMethod', 'PersistenceMethod', 'SlowStart', 'UpStreamKeepalives', 'ZoneSize', 'SchemaVersion', 'MarkForDelete',
  'MarkForDeleteTimestamp',
] as const;
// EM stores these next to each LB setting and upstream (from the environment type) and adds AccountName on reads.
const LB_DERIVED = ['AccountId', 'LoadBalancerGroup', 'AccountName'] as const;

/** EM stores upstreams flat (`Key, Environment, Upstream, Service, Hosts…`) but serves them as `{key, Value}`. */
function upstreamItem(item: Obj): Obj {
  const rest = without(item, LB_DERIVED);
  if ('Value' in rest) {
    const { Key, ...others } = rest;
    return Key !== undefined && others['key'] === undefined ? { key: Key, ...others } : rest;
  }
  const { Key, Environment, Upstream, Service, ...others } = rest;
  const value: Obj = { EnvironmentName: Environment, UpstreamName: Upstream, ServiceName: Service };
  for (const field of UPSTREAM_VALUE_FIELDS) if (others[field] !== undefined) value[field] = others[field];
  const unknown = without(others, UPSTREAM_VALUE_FIELDS);
  return { ...(Key === undefined ? {} : { key: Key }), ...unknown, Value: value };
}

function permissionItem(item: Obj): Obj {
  if (!Array.isArray(item['Permissions'])) return item;
  // EM compared methods and "all" case-insensitively; our schema takes them in upper and lower case respectively.
  const Permissions = item['Permissions'].map((p: unknown) => {
    if (!isObj(p)) return p;
    const out: Obj = { ...p };
    if (typeof p['Access'] === 'string') out['Access'] = p['Access'].toUpperCase();
    for (const k of ['Clusters', 'EnvironmentTypes']) if (typeof p[k] === 'string' && p[k].toLowerCase() === 'all') out[k] = 'all';
    return out;
  });
  return { ...item, Permissions };
}

function convertItem(resource: LegacyResource, item: Obj, index: number): Step {
  switch (resource) {
    case 'accounts':
      // EM's account scan derives IsMaster/IsProd/Impersonate/IsEditable from the host account; old docs stored them.
      return { item: without(item, ['IsMaster', 'IsProd', 'Impersonate', 'IsEditable']) };
    case 'environmenttypes':
      if (item['EnvironmentType'] === undefined && item['EnvironmentName'] !== undefined) {
        const message =
          "is an environment, not an environment type: EM's export of environmenttypes reads the environments table; " +
          'take the ConfigEnvironmentTypes table from the nightly backup instead';
        return { problem: { path: String(index), message } };
      }
      return { item };
    case 'environments': {
      if (!isObj(item['Value'])) return { item };
      // AWSAccountNumber is added on reads from the type. CodeDeployBucket is obsolete: packages go to the type's DeploymentBucket (§5).
      return { item: { ...item, Value: without(item['Value'], ['AWSAccountNumber', 'CodeDeployBucket']) } };
    }
    case 'services': {
      const value = isObj(item['Value']) ? item['Value'] : undefined;
      if (isTrue(item['Deleted']) || isTrue(value?.['Deleted'])) return { skip: true };
      const kept = without(item, ['Deleted']);
      return { item: value ? { ...kept, Value: without(value, ['Deleted']) } : kept };
    }
    case 'lbsettings':
      return { item: without(item, LB_DERIVED) };
    case 'lbupstream':
      return { item: upstreamItem(item) };
    case 'permissions':
      return { item: permissionItem(item) };
    default:
      return { item };
  }
}

function versionOf(item: Obj): unknown {
  const audit = item['Audit'];
  const version = isObj(audit) ? audit['Version'] : item['Version'];
  return typeof version === 'string' && /^\d{1,15}$/.test(version) ? Number(version) : version;
}

function problemsOf(index: number, issues: readonly z.core.$ZodIssue[]): LegacyProblem[] {
  return issues.flatMap((issue) => {
    const at = [index, ...issue.path].map(String);
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...at, key].join('.'), message: issue.message }));
    return [{ path: at.join('.'), message: issue.message }];
  });
}

/** The fields that identify an item, compared case-insensitively like every name in EM. */
function identityOf(type: ConfigType, item: Obj): { field: string; key: string } | undefined {
  const value = isObj(item['Value']) ? item['Value'] : {};
  const text = (...parts: unknown[]) => (parts.every((p) => typeof p === 'string') ? parts.join('/').toLowerCase() : undefined);
  const fields: Record<ConfigType, [string, string | undefined]> = {
    accounts: ['AccountNumber', text(item['AccountNumber'])],
    'notification-settings': ['NotificationSettingsId', text(item['NotificationSettingsId'])],
    clusters: ['ClusterName', text(item['ClusterName'])],
    'environment-types': ['EnvironmentType', text(item['EnvironmentType'])],
    services: ['ServiceName', text(item['ServiceName'])],
    'deployment-maps': ['DeploymentMapName', text(item['DeploymentMapName'])],
    environments: ['EnvironmentName', text(item['EnvironmentName'])],
    'environment-ops': ['EnvironmentName', text(item['EnvironmentName'])],
    'lb-settings': ['VHostName', text(item['EnvironmentName'], item['VHostName'])],
    upstreams: ['Value.UpstreamName', text(value['EnvironmentName'], value['UpstreamName'])],
    permissions: ['Name', text(item['Name'])],
    groups: ['GroupName', text(item['GroupName'])],
    users: ['UserName', text(item['UserName'])],
  };
  const [field, key] = fields[type];
  return key === undefined ? undefined : { field, key };
}

function duplicates(type: ConfigType, converted: { index: number; item: Obj }[]): LegacyProblem[] {
  const seen = new Map<string, number>();
  const problems: LegacyProblem[] = [];
  for (const { index, item } of converted) {
    const id = identityOf(type, item);
    if (!id) continue;
    const first = seen.get(id.key);
    if (first === undefined) seen.set(id.key, index);
    else problems.push({ path: `${index}.${id.field}`, message: `duplicates item ${first}: names compare case-insensitively, so keep one of them` });
  }
  return problems;
}

function resourceOf(resource: string): LegacyResource | undefined {
  const name = resource.trim().toLowerCase();
  return Object.hasOwn(LEGACY_RESOURCES, name) ? (name as LegacyResource) : undefined;
}

/**
 * Converts the JSON array that EM's `GET /config/export/{resource}` returns into item documents of our
 * `ENTITY_SCHEMAS[type]`, each with `Version` taken from EM's `Audit.Version` so versions survive the migration.
 * Reports every problem of every item, never just the first; on any problem no items are returned.
 */
export function convertLegacyExport(resource: string, input: unknown): LegacyConversion {
  const legacy = resourceOf(resource);
  if (!legacy) {
    return { ok: false, errors: [{ path: '', message: `unknown resource "${resource}"; expected one of ${Object.keys(LEGACY_RESOURCES).join(', ')}` }] };
  }
  if (!Array.isArray(input)) {
    return { ok: false, errors: [{ path: '', message: `must be a JSON array of stored items, as EM's GET /config/export/${legacy} returns` }] };
  }
  const type = LEGACY_RESOURCES[legacy];
  const schema = ENTITY_SCHEMAS[type].extend({ Version: int(1).optional() });
  const errors: LegacyProblem[] = [];
  const converted: { index: number; item: Obj }[] = [];
  input.forEach((raw: unknown, index) => {
    if (!isObj(raw)) {
      errors.push({ path: String(index), message: 'must be an object: one stored item' });
      return;
    }
    if (isTrue(raw['__Deleted'])) return; // EM's delete marker, written just before the item is removed
    const version = versionOf(raw);
    const step = convertItem(legacy, tidy(without(raw, ['Audit', 'Version'])) as Obj, index);
    if ('skip' in step) return;
    if ('problem' in step) {
      errors.push(step.problem);
      return;
    }
    const item = version === undefined ? step.item : { ...step.item, Version: version };
    const result = schema.safeParse(item);
    if (result.success) converted.push({ index, item: result.data });
    else errors.push(...problemsOf(index, result.error.issues));
  });
  errors.push(...duplicates(type, converted));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, type, items: converted.map((c) => c.item) };
}
