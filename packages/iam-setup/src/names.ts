import type { IamSetupInput } from './input.js';

/** The roles EM's set-up creates, by what they are for (SPEC §12 names, plus ours for the jobs). */
export type RoleKind = 'master' | 'child' | 'scheduler' | 'audit' | 'audit-writer' | 'backup' | 'replica' | 'replica-writer' | 'agent';

export const ROLE_NAMES: Readonly<Record<RoleKind, string>> = {
  master: 'roleInfraEnvironmentManager',
  child: 'roleInfraEnvironmentManagerChild',
  scheduler: 'roleInfraEnvironmentManagerScheduler',
  audit: 'roleInfraEnvironmentManagerAudit',
  'audit-writer': 'roleInfraEnvironmentManagerAuditWriter',
  backup: 'roleInfraEnvironmentManagerBackup',
  replica: 'roleInfraDynamoStreamReplica',
  'replica-writer': 'roleInfraDynamoStreamReplicaWriter',
  agent: 'roleDeploymentTest',
};

/** Inline policy names (SPEC §12 for EM's two roles) and the agents' managed policy. */
export const POLICY_NAMES: Readonly<Record<RoleKind, string>> = {
  master: 'roleInfraEnvironmentManagerPolicy',
  child: 'roleInfraEnvironmentManagerChildPolicy',
  scheduler: 'roleInfraEnvironmentManagerSchedulerPolicy',
  audit: 'roleInfraEnvironmentManagerAuditPolicy',
  'audit-writer': 'roleInfraEnvironmentManagerAuditWriterPolicy',
  backup: 'roleInfraEnvironmentManagerBackupPolicy',
  replica: 'roleInfraDynamoStreamReplicaPolicy',
  'replica-writer': 'roleInfraDynamoStreamReplicaWriterPolicy',
  agent: 'CommonInstanceProfile',
};

/** Lambda function names of the jobs, whose log groups their roles may write. */
export const FUNCTION_NAMES = {
  scheduler: 'InfraEnvironmentManagerScheduler',
  audit: 'InfraEnvironmentManagerAudit',
  backup: 'InfraEnvironmentManagerBackup',
  replica: 'InfraDynamoStreamReplica',
} as const;

/** The ten configuration tables of SPEC §3, whose streams feed the audit job. */
export const CONFIG_TABLES = [
  'ConfigDeploymentMaps',
  'ConfigEnvironmentTypes',
  'ConfigEnvironments',
  'ConfigNotificationSettings',
  'InfraConfigAccounts',
  'InfraConfigClusters',
  'InfraConfigLBSettings',
  'InfraConfigLBUpstream',
  'InfraConfigPermissions',
  'InfraConfigServices',
] as const;

/** The common tables the replication job copies into each child (SPEC §10). */
export const REPLICATED_TABLES = [
  'ConfigDeploymentMaps',
  'ConfigEnvironmentTypes',
  'ConfigEnvironments',
  'InfraConfigClusters',
  'InfraConfigServices',
  'InfraOpsEnvironment',
] as const;

export const AUDIT_TABLE = 'InfraChangeAudit';

/** Builds the ARNs of one installation (one partition, one region). */
export function arns(input: Pick<IamSetupInput, 'region' | 'partition'>) {
  const p = input.partition ?? 'aws';
  const r = input.region;
  return {
    role: (account: string, name: string) => `arn:${p}:iam::${account}:role/${name}`,
    rolePattern: (account: string, pattern: string) => `arn:${p}:iam::${account}:role/${pattern}`,
    accountRoot: (account: string) => `arn:${p}:iam::${account}:root`,
    table: (account: string, name: string) => `arn:${p}:dynamodb:${r}:${account}:table/${name}`,
    tableStream: (account: string, name: string) => `arn:${p}:dynamodb:${r}:${account}:table/${name}/stream/*`,
    bucket: (name: string) => `arn:${p}:s3:::${name}`,
    objects: (bucket: string) => `arn:${p}:s3:::${bucket}/*`,
    object: (bucket: string, key: string) => `arn:${p}:s3:::${bucket}/${key}`,
    topic: (account: string, name: string) => `arn:${p}:sns:${r}:${account}:${name}`,
    logGroup: (account: string, name: string) => `arn:${p}:logs:${r}:${account}:log-group:${name}`,
    ec2: (account: string, type: string, id: string) => `arn:${p}:ec2:${r}:${account}:${type}/${id}`,
    kmsKey: (account: string, id: string) => `arn:${p}:kms:${r}:${account}:key/${id}`,
  };
}

export type Arns = ReturnType<typeof arns>;
