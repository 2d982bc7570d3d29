import type { IamSetupInput } from './input.js';
import { AUDIT_TABLE, FUNCTION_NAMES, REPLICATED_TABLES, ROLE_NAMES, arns, type Arns, type RoleKind } from './names.js';

/**
 * What each role must and must not be able to do, written as concrete requests (an action on one resource), apart
 * from the generator so that the proof checks the policies against an independent statement of need.
 */
export interface Probe {
  action: string;
  resource: string;
}

export interface RoleRequirements {
  /** Each must be allowed. */
  needs: Probe[];
  /** Each must be denied (explicitly or implicitly). */
  forbidden: Probe[];
}

/**
 * Actions no role may be granted unless its needs name the action: privilege escalation (IAM, STS), destruction
 * (deleting tables, buckets, objects, groups, instances), and blinding the audit (CloudTrail, Config, KMS).
 */
export const DANGEROUS_ACTIONS: readonly string[] = [
  'iam:AttachRolePolicy',
  'iam:CreateAccessKey',
  'iam:CreatePolicyVersion',
  'iam:CreateRole',
  'iam:CreateUser',
  'iam:PassRole',
  'iam:PutRolePolicy',
  'iam:UpdateAssumeRolePolicy',
  'sts:AssumeRole',
  's3:DeleteBucket',
  's3:DeleteObject',
  's3:PutBucketPolicy',
  'dynamodb:CreateTable',
  'dynamodb:DeleteItem',
  'dynamodb:DeleteTable',
  'ec2:ModifyInstanceAttribute',
  'ec2:RunInstances',
  'ec2:TerminateInstances',
  'autoscaling:DeleteAutoScalingGroup',
  'kms:Decrypt',
  'kms:PutKeyPolicy',
  'kms:ScheduleKeyDeletion',
  'cloudtrail:DeleteTrail',
  'cloudtrail:StopLogging',
  'config:DeleteDeliveryChannel',
  'config:StopConfigurationRecorder',
  'lambda:UpdateFunctionCode',
];

const FOREIGN_ROLE = 'arn:aws:iam::999999999999:role/OrganizationAccountAccessRole';

const probes = (actions: readonly string[], resources: readonly string[]): Probe[] => actions.flatMap((action) => resources.map((resource) => ({ action, resource })));

/** What a role of `kind` in `account` needs and must not have. */
export function requirementsFor(input: IamSetupInput, kind: RoleKind, account: string, children: readonly string[]): RoleRequirements {
  const a = arns(input);
  const common: Probe[] = [{ action: 'sts:AssumeRole', resource: FOREIGN_ROLE }];
  const r = BY_KIND[kind](input, a, account, children);
  return { needs: r.needs, forbidden: [...common, ...r.forbidden] };
}

type RequirementsOf = (input: IamSetupInput, a: Arns, account: string, children: readonly string[]) => RoleRequirements;

function emRequirements(input: IamSetupInput, a: Arns, account: string): RoleRequirements {
  const { deploy, logs, config, secure } = input.buckets;
  const instance = a.ec2(account, 'instance', 'i-0123456789abcdef0');
  const group = `arn:aws:autoscaling:${input.region}:${account}:autoScalingGroup:1f2e3d4c:autoScalingGroupName/pr1-in-Web`;
  const item = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactWriteItems', 'TransactGetItems', 'ConditionCheckItem', 'DescribeTable'];
  const scaling = ['CreateAutoScalingGroup', 'UpdateAutoScalingGroup', 'DeleteAutoScalingGroup', 'DescribeAutoScalingGroups', 'DescribeScheduledActions', 'DescribeLifecycleHooks', 'DescribeLaunchConfigurations', 'CreateLaunchConfiguration', 'DeleteLaunchConfiguration', 'AttachInstances', 'PutNotificationConfiguration', 'PutScheduledUpdateGroupAction', 'DeleteScheduledAction', 'PutLifecycleHook', 'CreateOrUpdateTags', 'EnterStandby', 'ExitStandby', 'SetDesiredCapacity', 'SuspendProcesses', 'ResumeProcesses', 'TerminateInstanceInAutoScalingGroup'];
  const ec2 = ['DescribeInstances', 'DescribeImages', 'DescribeSubnets', 'DescribeSecurityGroups', 'DescribeLaunchTemplates', 'CreateTags', 'RunInstances', 'StartInstances', 'StopInstances', 'TerminateInstances', 'CreateLaunchTemplate', 'CreateLaunchTemplateVersion', 'DeleteLaunchTemplate'];
  return {
    needs: [
      ...probes(item.map((x) => `dynamodb:${x}`), [a.table(account, 'ConfigEnvironments'), a.table(account, 'InfraConfigAccounts')]),
      { action: 'dynamodb:PutItem', resource: a.table(account, AUDIT_TABLE) },
      { action: 'dynamodb:Query', resource: a.table(account, AUDIT_TABLE) },
      ...probes(['s3:GetObject', 's3:PutObject'], [a.object(deploy, 'PACKAGES/Search/1.2.3/Search-1.2.3.zip'), a.object(logs, 'c50/Search/deploy.log')]),
      ...probes(['s3:ListBucket'], [a.bucket(deploy), a.bucket(logs)]),
      ...probes(ec2.map((x) => `ec2:${x}`), [instance]),
      ...probes(scaling.map((x) => `autoscaling:${x}`), [group]),
      ...probes(['sns:GetTopicAttributes', 'sns:ListTopics', 'sns:Publish', 'sns:Subscribe', 'sns:Unsubscribe'], [a.topic(account, 'EnvironmentManagerConfigurationChange')]),
      { action: 'sns:Publish', resource: a.topic(account, 'InfraAsgLambdaScale') },
      ...probes(['iam:GetRole', 'iam:GetInstanceProfile', 'iam:PassRole'], [a.role(account, 'roleInfraWeb')]),
    ],
    forbidden: [
      ...probes(['dynamodb:DeleteItem', 'dynamodb:UpdateItem'], [a.table(account, AUDIT_TABLE)]),
      ...probes(['iam:PassRole'], [ROLE_NAMES.master, ROLE_NAMES.child, ROLE_NAMES['replica-writer'], ROLE_NAMES.scheduler].map((n) => a.role(account, n))),
      { action: 'dynamodb:PutItem', resource: a.table(account, 'OtherApplicationTable') },
      ...(account === input.master ? [] : probes(['s3:GetObject'], [a.object(config, 'em.json'), a.object(secure, 'consul-token')])),
    ],
  };
}

function masterRequirements(input: IamSetupInput, a: Arns, account: string, children: readonly string[]): RoleRequirements {
  const em = emRequirements(input, a, account);
  const { config, secure, backup } = input.buckets;
  return {
    needs: [
      ...em.needs,
      ...probes(['s3:GetObject'], [a.object(config, 'em.json'), a.object(secure, 'consul-token'), a.object(backup, '20240501_environmentmanager_ConfigEnvironments.json')]),
      ...probes(['sts:AssumeRole'], [input.master, ...children].map((c) => a.role(c, ROLE_NAMES.child))),
    ],
    forbidden: [...em.forbidden, ...probes(['s3:PutObject'], [a.object(config, 'em.json'), a.object(secure, 'consul-token')])],
  };
}

function jobLogs(a: Arns, account: string, fn: string): Probe[] {
  return probes(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], [a.logGroup(account, `/aws/lambda/${fn}:*`)]);
}

const BY_KIND: Readonly<Record<RoleKind, RequirementsOf>> = {
  master: masterRequirements,
  child: (input, a, account) => emRequirements(input, a, account),
  scheduler: (input, a, account) => ({
    needs: [
      ...jobLogs(a, account, FUNCTION_NAMES.scheduler),
      ...probes(['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:DescribeInstances', 'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances'], ['*']),
      ...probes(['ec2:StartInstances', 'ec2:StopInstances'], [a.ec2(account, 'instance', 'i-0123456789abcdef0')]),
      ...probes(['autoscaling:EnterStandby', 'autoscaling:ExitStandby', 'autoscaling:UpdateAutoScalingGroup'], [`arn:aws:autoscaling:${input.region}:${account}:autoScalingGroup:1f2e:autoScalingGroupName/pr1-in-Web`]),
      { action: 'kms:Decrypt', resource: a.kmsKey(account, '1234abcd-12ab-34cd-56ef-1234567890ab') },
    ],
    forbidden: [{ action: 'logs:PutLogEvents', resource: a.logGroup(account, `/aws/lambda/${FUNCTION_NAMES.audit}:*`) }],
  }),
  audit: (input, a, account) => ({
    needs: [
      ...jobLogs(a, account, FUNCTION_NAMES.audit),
      ...probes(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], [`${a.table(account, 'ConfigEnvironments')}/stream/2024-05-01T00:00:00.000`]),
      { action: 'dynamodb:ListStreams', resource: '*' },
      ...(account === input.master
        ? probes(['dynamodb:PutItem', 'dynamodb:BatchWriteItem'], [a.table(account, AUDIT_TABLE)])
        : [{ action: 'sts:AssumeRole', resource: a.role(input.master, ROLE_NAMES['audit-writer']) }]),
    ],
    forbidden: [{ action: 'dynamodb:PutItem', resource: a.table(account, 'ConfigEnvironments') }, { action: 'dynamodb:UpdateItem', resource: a.table(input.master, AUDIT_TABLE) }],
  }),
  'audit-writer': (input, a) => ({
    needs: probes(['dynamodb:PutItem', 'dynamodb:BatchWriteItem'], [a.table(input.master, AUDIT_TABLE)]),
    forbidden: probes(['dynamodb:PutItem', 'dynamodb:UpdateItem'], [a.table(input.master, 'ConfigEnvironments')]),
  }),
  backup: (input, a) => ({
    needs: [
      ...jobLogs(a, input.master, FUNCTION_NAMES.backup),
      ...probes(['dynamodb:Scan', 'dynamodb:DescribeTable'], [a.table(input.master, 'ConfigEnvironments'), a.table(input.master, 'InfraOpsEnvironment')]),
      { action: 's3:PutObject', resource: a.object(input.buckets.backup, '20240501_environmentmanager_ConfigEnvironments.json') },
    ],
    forbidden: [{ action: 's3:GetObject', resource: a.object(input.buckets.secure, 'consul-token') }, { action: 'dynamodb:PutItem', resource: a.table(input.master, 'ConfigEnvironments') }],
  }),
  replica: (input, a, _account, children) => ({
    needs: [
      ...jobLogs(a, input.master, FUNCTION_NAMES.replica),
      ...probes(['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream'], REPLICATED_TABLES.map((t) => `${a.table(input.master, t)}/stream/2024-05-01T00:00:00.000`)),
      { action: 'dynamodb:ListStreams', resource: '*' },
      ...probes(['sts:AssumeRole'], children.map((c) => a.role(c, ROLE_NAMES['replica-writer']))),
    ],
    forbidden: probes(['sts:AssumeRole'], children.map((c) => a.role(c, ROLE_NAMES.child))),
  }),
  'replica-writer': (_input, a, account) => ({
    needs: probes(['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:DescribeTable'], REPLICATED_TABLES.map((t) => a.table(account, t))),
    forbidden: probes(['dynamodb:PutItem'], [a.table(account, 'InfraConfigAccounts'), a.table(account, 'InfraConfigPermissions'), a.table(account, AUDIT_TABLE)]),
  }),
  agent: (input, a, account) => {
    const { deploy, logs, config, secure, backup } = input.buckets;
    return {
      needs: [
        ...probes(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], [a.logGroup(account, 'envmgr-agent:*')]),
        ...probes(['ec2:DescribeTags', 'ec2:DescribeInstances', 'ec2:DescribeInstanceStatus', 'ec2:CreateTags', 'ssm:ListAssociations'], ['*']),
        { action: 's3:ListBucket', resource: a.bucket(deploy) },
        { action: 's3:GetObject', resource: a.object(deploy, 'c50/Search/Search-1.2.3.zip') },
        { action: 's3:PutObject', resource: a.object(logs, 'c50/Search/i-0123456789abcdef0.log') },
      ],
      // "read packages and write logs" and nothing more of S3
      forbidden: [
        { action: 's3:PutObject', resource: a.object(deploy, 'c50/Search/Search-1.2.3.zip') },
        ...probes(['s3:GetObject', 's3:PutObject'], [a.object(config, 'em.json'), a.object(secure, 'consul-token'), a.object(backup, 'x.json')]),
        { action: 's3:GetObject', resource: a.object(logs, 'c50/Search/i-0123456789abcdef0.log') },
        { action: 'dynamodb:GetItem', resource: a.table(account, 'ConfigEnvironments') },
      ],
    };
  },
};
