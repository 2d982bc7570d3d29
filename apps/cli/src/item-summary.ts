import type { ConfigType } from '@envmgr/api-contract';
import { cell } from './output.js';

type Doc = Readonly<Record<string, unknown>>;

interface Column {
  header: string;
  value(item: Doc): string;
}

/** The value at a dotted path such as `Value.OwningCluster`. */
function at(item: Doc, path: string): unknown {
  let v: unknown = item;
  for (const part of path.split('.')) v = v && typeof v === 'object' ? (v as Doc)[part] : undefined;
  return v;
}

const field = (header: string, path: string): Column => ({ header, value: (d) => cell(at(d, path)) });
const count = (header: string, path: string): Column => ({
  header,
  value: (d) => {
    const v = at(d, path);
    return Array.isArray(v) ? String(v.length) : '';
  },
});

const hosts: Column = {
  header: 'HOSTS',
  value: (d) => {
    const list = at(d, 'Value.Hosts');
    if (!Array.isArray(list)) return '';
    return list.map((h: unknown) => (h && typeof h === 'object' ? `${cell(at(h as Doc, 'DnsName'))}:${cell(at(h as Doc, 'Port'))} ${cell(at(h as Doc, 'State'))}`.trim() : '')).join(', ');
  },
};

/** The few fields that identify an item at a glance, per type, shown after KEY and VERSION. */
const COLUMNS: Record<ConfigType, Column[]> = {
  accounts: [field('NAME', 'AccountName'), field('INCLUDE AMIS', 'IncludeAMIs')],
  'notification-settings': [field('EMAIL', 'Value.NotificationEmail')],
  clusters: [field('SHORT NAME', 'Value.ShortName'), field('GROUP EMAIL', 'Value.GroupEmailAddress')],
  'environment-types': [field('ACCOUNT', 'Value.AWSAccountName'), field('ACCOUNT NUMBER', 'Value.AWSAccountNumber'), field('VPC', 'Value.VpcId')],
  services: [field('CLUSTER', 'OwningCluster'), field('BLUE PORT', 'Value.BluePort'), field('GREEN PORT', 'Value.GreenPort')],
  'deployment-maps': [count('SERVER ROLES', 'Value.DeploymentTarget')],
  environments: [field('TYPE', 'Value.EnvironmentType'), field('CLUSTER', 'Value.OwningCluster'), field('DEPLOYMENT MAP', 'Value.DeploymentMap')],
  'environment-ops': [field('LOCKED', 'Value.DeploymentsLocked'), field('MAINTENANCE', 'Value.EnvironmentInMaintenance'), field('SCHEDULE', 'Value.DefaultSchedule')],
  'lb-settings': [field('FRONTEND', 'Value.FrontEnd'), field('SERVER NAMES', 'Value.ServerName')],
  upstreams: [field('SERVICE', 'Value.ServiceName'), hosts],
  permissions: [count('RULES', 'Permissions')],
  groups: [field('DESCRIPTION', 'Value.Description')],
  users: [field('DISPLAY NAME', 'Value.DisplayName'), field('GROUPS', 'Value.Groups'), field('SOURCE', 'Value.Source')],
};

const KEY_FIELD: Record<Exclude<ConfigType, 'lb-settings' | 'upstreams'>, string> = {
  accounts: 'AccountNumber',
  'notification-settings': 'NotificationSettingsId',
  clusters: 'ClusterName',
  'environment-types': 'EnvironmentType',
  services: 'ServiceName',
  'deployment-maps': 'DeploymentMapName',
  environments: 'EnvironmentName',
  'environment-ops': 'EnvironmentName',
  permissions: 'Name',
  groups: 'GroupName',
  users: 'UserName',
};

/** An item's key as the API names it (`env/vhost` for LB settings, `/<env>_<upstream>/config` for upstreams). */
export function keyOf(type: ConfigType, item: Doc): string {
  if (type === 'lb-settings') return `${cell(item.EnvironmentName)}/${cell(item.VHostName)}`;
  if (type === 'upstreams') {
    return typeof item.key === 'string' ? item.key : `/${cell(at(item, 'Value.EnvironmentName'))}_${cell(at(item, 'Value.UpstreamName'))}/config`;
  }
  return cell(item[KEY_FIELD[type]]);
}

/** Table headers and rows for a list of items of one type. */
export function itemTable(type: ConfigType, items: readonly Doc[]): { headers: string[]; rows: string[][] } {
  const columns = COLUMNS[type];
  return {
    headers: ['KEY', 'VERSION', ...columns.map((c) => c.header)],
    rows: items.map((item) => [keyOf(type, item), cell(item.Version), ...columns.map((c) => c.value(item))]),
  };
}
