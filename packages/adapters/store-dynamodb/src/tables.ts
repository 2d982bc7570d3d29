import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DependencyUnavailableError, ENTITY_TYPES, type EntityType } from '@envmgr/domain';

/**
 * The configuration tables keep EM's names (SPEC §3, §10), one per entity family; `groups` and `users` are ours.
 * Every name matches the `Config*` / `Infra*` patterns of EM's IAM policy (SPEC §12) when the prefix is empty.
 */
const ITEM_TABLES: Record<EntityType, string> = {
  accounts: 'InfraConfigAccounts',
  'notification-settings': 'ConfigNotificationSettings',
  clusters: 'InfraConfigClusters',
  'environment-types': 'ConfigEnvironmentTypes',
  services: 'InfraConfigServices',
  'deployment-maps': 'ConfigDeploymentMaps',
  environments: 'ConfigEnvironments',
  'environment-ops': 'InfraOpsEnvironment',
  'lb-settings': 'InfraConfigLBSettings',
  upstreams: 'InfraConfigLBUpstream',
  permissions: 'InfraConfigPermissions',
  groups: 'InfraConfigGroups',
  users: 'InfraConfigUsers',
};

/** Names of every table the DynamoDB adapters use, with the installation's prefix applied. */
export interface TableNames {
  item(type: EntityType): string;
  /** Reverse index of references between items: which items refer to a target. */
  references: string;
  /** Unique claims (names compared case-insensitively, service ports) and the item holding each. */
  uniques: string;
  /** The audit chain and its head. */
  audit: string;
  locks: string;
  /** Deployment records and the claims that keep one active deployment per environment and service. */
  deployments: string;
  /** Password hashes, API tokens (hashed) and security events: kept apart from configuration and its audit. */
  credentials: string;
  /** The scheduler's action log. */
  scheduleActions: string;
  /** Every name, for creating and checking. */
  all(): string[];
}

export function tableNames(prefix = ''): TableNames {
  const names = {
    references: `${prefix}InfraConfigReferences`,
    uniques: `${prefix}InfraConfigUniques`,
    audit: `${prefix}InfraChangeAudit`,
    locks: `${prefix}InfraLocks`,
    deployments: `${prefix}InfraDeployments`,
    credentials: `${prefix}InfraCredentials`,
    scheduleActions: `${prefix}InfraScheduleActions`,
  };
  return {
    ...names,
    item: (type) => `${prefix}${ITEM_TABLES[type]}`,
    all: () => [...ENTITY_TYPES.map((t) => `${prefix}${ITEM_TABLES[t]}`), ...Object.values(names)],
  };
}

type Definition = Omit<CreateTableCommandInput, 'TableName' | 'BillingMode'>;

const S = 'S' as const;
const N = 'N' as const;
const B = 'B' as const;
const hashRange = (hash: string, range?: string) => [
  { AttributeName: hash, KeyType: 'HASH' as const },
  ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : []),
];
const gsi = (name: string, hash: string, range: string) => ({ IndexName: name, KeySchema: hashRange(hash, range), Projection: { ProjectionType: 'ALL' as const } });

/**
 * Item tables: partition `Family` (the entity type, one value per table) and sort key `Ord` (the key as UTF-16BE
 * bytes). One partition per family gives strongly consistent, key-ordered listing with a cursor; binary sort keys
 * compare as unsigned bytes, and UTF-16BE bytes order as JavaScript compares strings (the port's order), which
 * UTF-8 strings would not for characters above U+FFFF.
 */
const ITEM: Definition = {
  AttributeDefinitions: [{ AttributeName: 'Family', AttributeType: S }, { AttributeName: 'Ord', AttributeType: B }],
  KeySchema: hashRange('Family', 'Ord'),
};

function definitionOf(names: TableNames, table: string): Definition {
  switch (table) {
    case names.references:
      return { AttributeDefinitions: [{ AttributeName: 'Target', AttributeType: S }, { AttributeName: 'Source', AttributeType: S }], KeySchema: hashRange('Target', 'Source') };
    case names.uniques:
      return { AttributeDefinitions: [{ AttributeName: 'Claim', AttributeType: S }], KeySchema: hashRange('Claim') };
    case names.audit:
      return {
        AttributeDefinitions: [
          { AttributeName: 'Bucket', AttributeType: N },
          { AttributeName: 'Seq', AttributeType: N },
          { AttributeName: 'Key', AttributeType: S },
          { AttributeName: 'Actor', AttributeType: S },
        ],
        KeySchema: hashRange('Bucket', 'Seq'),
        GlobalSecondaryIndexes: [gsi('byKey', 'Key', 'Seq'), gsi('byActor', 'Actor', 'Seq')],
      };
    case names.locks:
      return { AttributeDefinitions: [{ AttributeName: 'Name', AttributeType: S }], KeySchema: hashRange('Name') };
    case names.deployments:
      // a sparse index of the active deployments, so that the driver's passes read only those
      return {
        AttributeDefinitions: [
          { AttributeName: 'Pk', AttributeType: S },
          { AttributeName: 'Feed', AttributeType: S },
          { AttributeName: 'ActiveFeed', AttributeType: S },
          { AttributeName: 'Order', AttributeType: S },
        ],
        KeySchema: hashRange('Pk'),
        GlobalSecondaryIndexes: [gsi('byTime', 'Feed', 'Order'), gsi('byActive', 'ActiveFeed', 'Order')],
      };
    case names.credentials:
    case names.scheduleActions:
      return { AttributeDefinitions: [{ AttributeName: 'Pk', AttributeType: S }, { AttributeName: 'Sk', AttributeType: S }], KeySchema: hashRange('Pk', 'Sk') };
    default:
      return ITEM;
  }
}

/** The tables of one adapter: the config store's, the lock's, the deployment store's, ... */
export type TableGroup = 'config' | 'locks' | 'deployments' | 'credentials' | 'schedule-actions';

export interface StorageOptions {
  client: DynamoDBClient;
  /** Prepended to every table name, e.g. `staging-`. @default '' */
  tablePrefix?: string;
  /** Only the tables of these adapters. @default all of them */
  only?: readonly TableGroup[];
}

function selected(names: TableNames, only: readonly TableGroup[] | undefined): string[] {
  if (!only) return names.all();
  const own = [names.locks, names.deployments, names.credentials, names.scheduleActions];
  const groups: Record<TableGroup, string[]> = {
    config: names.all().filter((n) => !own.includes(n)),
    locks: [names.locks],
    deployments: [names.deployments],
    credentials: [names.credentials],
    'schedule-actions': [names.scheduleActions],
  };
  return only.flatMap((g) => groups[g]);
}

/** The tables of the installation that do not exist. */
export async function missingTables(opts: StorageOptions): Promise<string[]> {
  const names = tableNames(opts.tablePrefix);
  const found = await Promise.all(selected(names, opts.only).map(async (name) => ((await tableExists(opts.client, name)) ? undefined : name)));
  return found.filter((n): n is string => n !== undefined);
}

async function tableExists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return false;
    throw new DependencyUnavailableError(`cannot reach DynamoDB to check table '${name}': ${errorName(err)}; check the endpoint, region and credentials`, { table: name }, { cause: err });
  }
}

/**
 * Creates the tables that do not exist yet (on-demand capacity) and waits until they are active; returns the names
 * it created. Safe to run again: existing tables are left as they are.
 */
export async function createTables(opts: StorageOptions): Promise<string[]> {
  const names = tableNames(opts.tablePrefix);
  const missing = await missingTables(opts);
  await Promise.all(
    missing.map(async (name) => {
      await opts.client.send(new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', ...definitionOf(names, name) }));
      await waitUntilTableExists({ client: opts.client, maxWaitTime: 300, minDelay: 1, maxDelay: 5 }, { TableName: name });
    }),
  );
  return missing;
}

/**
 * Checks at start-up that every table exists.
 * @throws DependencyUnavailableError naming the missing tables and the command that creates them.
 */
export async function checkTables(opts: StorageOptions): Promise<void> {
  const missing = await missingTables(opts);
  if (missing.length === 0) return;
  throw new DependencyUnavailableError(
    `the DynamoDB table${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist; create them with \`envmgr setup storage\` (docs/aws.md#storage)`,
    { tables: missing },
  );
}

export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : 'unknown error';
}
