import type { IamSetupInput } from './input.js';
import { allow, type Statement } from './policy.js';
import { AUDIT_TABLE, CONFIG_TABLES, FUNCTION_NAMES, REPLICATED_TABLES, ROLE_NAMES, type Arns } from './names.js';

// Least-privilege statements of the jobs (SPEC §12 "Lambdas") and of the agents' instance profile.

const STREAM_READ = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];

/** A job's own log group, and nothing else of CloudWatch Logs. */
function jobLogs(a: Arns, account: string, fn: string): Statement {
  const group = `/aws/lambda/${fn}`;
  return allow('OwnLogGroup', ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], [a.logGroup(account, group), a.logGroup(account, `${group}:*`)]);
}

/** Jobs run in the VPC: Lambda needs these on `*` to attach its network interfaces. */
function vpcAccess(): Statement {
  return allow('VpcNetworkInterfaces', ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces'], ['*']);
}

/** The scheduler acts in its own account: it stops and starts instances and moves them in and out of standby. */
export function schedulerStatements(a: Arns, account: string): Statement[] {
  return [
    jobLogs(a, account, FUNCTION_NAMES.scheduler),
    vpcAccess(),
    allow('ReadInstancesAndGroups', ['ec2:DescribeInstances', 'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances'], ['*']),
    allow('StartStopInstances', ['ec2:StartInstances', 'ec2:StopInstances'], [a.ec2(account, 'instance', '*')]),
    allow('StandbyAndSize', ['autoscaling:EnterStandby', 'autoscaling:ExitStandby', 'autoscaling:UpdateAutoScalingGroup'], ['*']),
    // instances with encrypted volumes need the key to start
    allow('DecryptVolumes', ['kms:Decrypt'], [a.kmsKey(account, '*')]),
  ];
}

/** Reads the streams of the ten configuration tables; the master writes the audit table, children go through the writer. */
export function auditStatements(input: IamSetupInput, a: Arns, account: string): Statement[] {
  const streams = allow('ReadTableStreams', STREAM_READ, CONFIG_TABLES.map((t) => a.tableStream(account, t)));
  const listStreams = allow('ListStreams', ['dynamodb:ListStreams'], ['*']);
  const write =
    account === input.master
      ? allow('WriteAuditTable', ['dynamodb:BatchWriteItem', 'dynamodb:PutItem'], [a.table(input.master, AUDIT_TABLE)])
      : allow('AssumeAuditWriter', ['sts:AssumeRole'], [a.role(input.master, ROLE_NAMES['audit-writer'])]);
  return [jobLogs(a, account, FUNCTION_NAMES.audit), streams, listStreams, write];
}

/** The master role children's audit jobs assume to write the one audit table. */
export function auditWriterStatements(input: IamSetupInput, a: Arns): Statement[] {
  return [allow('WriteAuditTable', ['dynamodb:BatchWriteItem', 'dynamodb:PutItem'], [a.table(input.master, AUDIT_TABLE)])];
}

/** The nightly backup scans the tables and writes one object per table to the backup bucket. */
export function backupStatements(input: IamSetupInput, a: Arns): Statement[] {
  const tables = [...CONFIG_TABLES, 'InfraOpsEnvironment'].map((t) => a.table(input.master, t));
  return [
    jobLogs(a, input.master, FUNCTION_NAMES.backup),
    allow('ScanTables', ['dynamodb:DescribeTable', 'dynamodb:Scan'], tables),
    allow('WriteBackups', ['s3:PutObject'], [a.objects(input.buckets.backup)]),
  ];
}

/** The replication job reads the common tables' streams and assumes the writer role in each child. */
export function replicaStatements(input: IamSetupInput, a: Arns, children: readonly string[]): Statement[] {
  return [
    jobLogs(a, input.master, FUNCTION_NAMES.replica),
    allow('ReadTableStreams', STREAM_READ, REPLICATED_TABLES.map((t) => a.tableStream(input.master, t))),
    allow('ListStreams', ['dynamodb:ListStreams'], ['*']),
    allow('AssumeReplicaWriters', ['sts:AssumeRole'], children.map((c) => a.role(c, ROLE_NAMES['replica-writer']))),
  ];
}

/** Writes the common tables of one child; never deletes a table or touches another. */
export function replicaWriterStatements(a: Arns, account: string): Statement[] {
  const tables = REPLICATED_TABLES.map((t) => a.table(account, t));
  return [allow('WriteCommonTables', ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable', 'dynamodb:PutItem'], tables)];
}

/**
 * The agents' common policy (SPEC §12 `CommonInstanceProfile`): read packages, write deployment logs, and what the
 * agent needs to know its own instance. Narrower than SPEC §12: no read of the logs bucket, no listing it.
 */
export function agentStatements(input: IamSetupInput, a: Arns): Statement[] {
  const { deploy, logs } = input.buckets;
  return [
    allow('AgentLogs', ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], ['*']),
    allow('OwnInstance', ['ec2:CreateTags', 'ec2:DescribeInstance*', 'ec2:DescribeTags', 'ssm:ListAssociations'], ['*']),
    allow('ListPackages', ['s3:ListBucket'], [a.bucket(deploy)]),
    allow('ReadPackages', ['s3:GetObject'], [a.objects(deploy)]),
    allow('WriteDeploymentLogs', ['s3:PutObject'], [a.objects(logs)]),
  ];
}
