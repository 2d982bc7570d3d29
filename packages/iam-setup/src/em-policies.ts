import type { IamSetupInput } from './input.js';
import { allow, deny, type Statement } from './policy.js';
import { AUDIT_TABLE, ROLE_NAMES, type Arns } from './names.js';

// Statements of EM's own roles (SPEC §12, statements 1-9), with the fixes SPEC §12 lists: object actions on
// `bucket/*`, the installation's region instead of a fixed one, a narrower iam:PassRole, and the actions EM calls
// that the old policy omitted.

/** Table name prefixes EM's tables start with. */
const TABLE_PREFIXES = ['Config*', 'Infra*', 'Environment*'];

// Named one by one instead of SPEC §12's `Describe*`, `Get*`, `List*`: those also granted backups, exports and
// stream reads EM never calls.
export const DYNAMODB_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  // EM writes a change and its audit record in one transaction (ARCHITECTURE §6)
  'dynamodb:TransactGetItems',
  'dynamodb:TransactWriteItems',
  'dynamodb:UpdateItem',
];

export const EC2_ACTIONS = [
  'ec2:CreateLaunchTemplate',
  'ec2:CreateLaunchTemplateVersion',
  'ec2:CreateTags',
  'ec2:DeleteLaunchTemplate',
  'ec2:Describe*',
  // Auto Scaling launches from a launch template with the caller's ec2:RunInstances permission
  'ec2:RunInstances',
  'ec2:StartInstances',
  'ec2:StopInstances',
  'ec2:TerminateInstances',
];

export const AUTOSCALING_ACTIONS = [
  'autoscaling:AttachInstances',
  'autoscaling:CreateAutoScalingGroup',
  'autoscaling:CreateLaunchConfiguration',
  'autoscaling:CreateOrUpdateTags',
  'autoscaling:DeleteAutoScalingGroup',
  'autoscaling:DeleteLaunchConfiguration',
  'autoscaling:DeleteScheduledAction',
  'autoscaling:Describe*',
  'autoscaling:EnterStandby',
  'autoscaling:ExitStandby',
  'autoscaling:PutLifecycleHook',
  'autoscaling:PutNotificationConfiguration',
  'autoscaling:PutScheduledUpdateGroupAction',
  'autoscaling:ResumeProcesses',
  'autoscaling:SetDesiredCapacity',
  'autoscaling:SuspendProcesses',
  'autoscaling:TerminateInstanceInAutoScalingGroup',
  'autoscaling:UpdateAutoScalingGroup',
];

/**
 * Topics EM publishes to and subscribes on. SPEC §12's `environment*` never matched EM's own topics
 * (`EnvironmentManagerConfigurationChange`): ARNs compare case-sensitively.
 */
const TOPIC_PATTERNS = ['footplate*', 'environment*', 'EnvironmentManager*', 'InfraAsgLambdaScale'];

/** Roles EM must never hand to an instance: an instance would act as EM or its jobs. */
const PROTECTED_ROLE_PATTERNS = ['roleInfraEnvironmentManager*', 'roleInfraDynamoStreamReplica*'];

/** The statements EM needs in the account it acts in (statements 1, 3, 5-9 of SPEC §12). */
export function computeStatements(input: IamSetupInput, a: Arns, account: string): Statement[] {
  const { logs, deploy } = input.buckets;
  return [
    allow('ConfigTables', DYNAMODB_ACTIONS, TABLE_PREFIXES.map((t) => a.table(account, t))),
    deny('ProtectAuditTrail', ['dynamodb:DeleteItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'], [a.table(account, AUDIT_TABLE)]),
    allow('PackagesAndLogs', ['s3:GetObject', 's3:PutObject'], [a.objects(logs), a.objects(deploy)]),
    allow('ListPackagesAndLogs', ['s3:ListBucket'], [a.bucket(logs), a.bucket(deploy)]),
    allow('Instances', EC2_ACTIONS, ['*']),
    allow('AutoScaling', AUTOSCALING_ACTIONS, ['*']),
    allow('ReadTopics', ['sns:Get*', 'sns:List*'], ['*']),
    allow('ReadRoles', ['iam:GetInstanceProfile', 'iam:GetRole'], ['*']),
    allow('PassInstanceRoles', ['iam:PassRole'], [a.rolePattern(account, 'role*')]),
    deny('KeepInfraRolesOffInstances', ['iam:PassRole'], PROTECTED_ROLE_PATTERNS.map((p) => a.rolePattern(account, p))),
    allow('Topics', ['sns:Publish', 'sns:Subscribe', 'sns:Unsubscribe'], TOPIC_PATTERNS.map((t) => a.topic(account, t))),
  ];
}

/** The master role: statements 1-9, with the master's buckets and AssumeRole into each child role. */
export function masterStatements(input: IamSetupInput, a: Arns, children: readonly string[]): Statement[] {
  const { config, secure, backup } = input.buckets;
  const childRoles = [input.master, ...children].map((c) => a.role(c, ROLE_NAMES.child));
  return [
    ...computeStatements(input, a, input.master),
    allow('ReadMasterBuckets', ['s3:GetObject'], [a.objects(config), a.objects(secure), a.objects(backup)]),
    allow('AssumeChildRoles', ['sts:AssumeRole'], childRoles),
  ];
}

