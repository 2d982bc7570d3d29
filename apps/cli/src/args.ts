import { InvalidArgumentError } from 'commander';
import { CONFIG_TYPES, type ConfigType } from '@envmgr/api-contract';
import { UsageError } from './failure.js';

/** Filters each list route accepts (see the API's list routes). */
export const LIST_FILTERS: Readonly<Partial<Record<ConfigType, readonly string[]>>> = {
  environments: ['environmentType', 'cluster'],
  'environment-ops': ['deploymentsLocked', 'inMaintenance'],
  services: ['cluster'],
  'lb-settings': ['environment', 'frontend'],
  upstreams: ['environment', 'service'],
};

/** Resource names of trainline/environment-manager's import route. */
export const LEGACY_RESOURCES = [
  'accounts',
  'clusters',
  'deploymentmaps',
  'environments',
  'environmenttypes',
  'lbsettings',
  'lbupstream',
  'permissions',
  'services',
  'opsenvironments',
] as const;

export function parseType(value: string): ConfigType {
  const type = CONFIG_TYPES.find((t) => t === value);
  if (!type) throw new InvalidArgumentError(`unknown type '${value}'; valid types: ${CONFIG_TYPES.join(', ')}`);
  return type;
}

export function collectTypes(value: string, previous: ConfigType[] | undefined): ConfigType[] {
  return [...(previous ?? []), parseType(value)];
}

export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected a whole number of at least 1');
  }
  return Number(value);
}

/** An API token's lifetime: 1 to 366 days, as the server allows. */
export function parseDays(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 366) throw new InvalidArgumentError('expected a whole number of days from 1 to 366');
  return Number(value);
}

export function collectFilter(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError('expected key=value, e.g. --filter environmentType=Dev');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** Checks filter names against what the type's list route accepts. */
export function checkFilters(type: ConfigType, filters: Record<string, string>): void {
  const allowed = LIST_FILTERS[type] ?? [];
  const unknown = Object.keys(filters).filter((k) => !allowed.includes(k));
  if (unknown.length === 0) return;
  const can = allowed.length ? `${type} can be filtered by ${allowed.join(', ')}` : `${type} cannot be filtered`;
  throw new UsageError(`unknown filter ${unknown.map((k) => `'${k}'`).join(', ')}: ${can}`);
}

export function parseLegacyResource(value: string): string {
  if (!LEGACY_RESOURCES.some((r) => r === value)) {
    throw new InvalidArgumentError(`unknown environment-manager resource '${value}'; valid resources: ${LEGACY_RESOURCES.join(', ')}`);
  }
  return value;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** An ISO date-time, or a duration before `now` such as `30m`, `24h`, `7d`, `2w`; returned as ISO (UTC). */
export function parseTime(option: string, value: string, now: Date): string {
  const rel = /^(\d+)([mhdw])$/.exec(value.trim());
  if (rel?.[1] && rel[2]) return new Date(now.getTime() - Number(rel[1]) * (UNIT_MS[rel[2]] ?? 0)).toISOString();
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) {
    throw new UsageError(`${option} '${value}' is neither an ISO date-time (2024-05-01T10:00:00Z) nor a duration (30m, 24h, 7d, 2w)`);
  }
  return new Date(ms).toISOString();
}
