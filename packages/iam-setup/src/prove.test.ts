import { describe, expect, it } from 'vitest';
import { SAMPLE_INPUT } from './fixtures.js';
import { generateIamSetup, type IamSetup, type RoleDefinition } from './generate.js';
import type { RoleKind } from './names.js';
import { allow, type Statement } from './policy.js';
import { proveRoleChain, type ProofCheck } from './prove.js';

const MASTER = '111111111111';
const DEV = '222222222222';
const PROD = '333333333333';

/** A copy of the generated set-up with one role changed by `edit`. */
function broken(kind: RoleKind, account: string, edit: (role: RoleDefinition) => void): IamSetup {
  const setup = structuredClone(generateIamSetup(SAMPLE_INPUT));
  const role = setup.roles.find((r) => r.kind === kind && r.account === account);
  if (!role) throw new Error(`no ${kind} role in ${account}`);
  edit(role);
  return setup;
}

const statements = (role: RoleDefinition): Statement[] => role.policies[0]?.document.Statement ?? [];
const drop = (role: RoleDefinition, sid: string) => {
  const list = statements(role);
  list.splice(list.findIndex((s) => s.Sid === sid), 1);
};
const add = (role: RoleDefinition, s: Statement) => statements(role).push(s);

describe('proveRoleChain on the generated set-up', () => {
  const proof = proveRoleChain(generateIamSetup(SAMPLE_INPUT));

  it('passes every check', () => {
    expect(proof.checks.filter((c) => !c.ok)).toEqual([]);
    expect(proof.ok).toBe(true);
  });

  it('proves that the master role may assume the child role of every child and of the master', () => {
    const assumed = proof.checks.filter((c) => c.kind === 'assume' && c.subject === `${MASTER}/roleInfraEnvironmentManager`).map((c) => c.check);
    expect(assumed).toEqual([MASTER, DEV, PROD].map((a) => `sts:AssumeRole arn:aws:iam::${a}:role/roleInfraEnvironmentManagerChild`));
  });

  it('checks that no other principal gets into a child role', () => {
    const refused = proof.checks.filter((c) => c.kind === 'trust' && c.subject === `${DEV}/roleInfraEnvironmentManagerChild` && c.expected === 'deny');
    expect(refused.map((c) => c.check)).toEqual([
      `trusts the agents' role of the master (arn:aws:iam::${MASTER}:role/roleDeploymentTest)`,
      'trusts EM of another organisation (999999999999)',
      `trusts the child role of ${PROD}`,
    ]);
    expect(refused.every((c) => c.ok)).toBe(true);
  });

  it('leaves out the security and logs accounts', () => {
    expect(proof.checks.some((c) => c.subject.startsWith('000000000001/') || c.subject.startsWith('000000000002/'))).toBe(false);
  });
});

interface BrokenCase {
  name: string;
  setup: () => IamSetup;
  /** The failing check must match all of these. */
  fails: Partial<Pick<ProofCheck, 'kind' | 'subject' | 'check'>> & { detail: string };
}

const cases: BrokenCase[] = [
  {
    name: 'the master role lost its AssumeRole statement',
    setup: () => broken('master', MASTER, (r) => drop(r, 'AssumeChildRoles')),
    fails: { kind: 'assume', check: `sts:AssumeRole arn:aws:iam::${PROD}:role/roleInfraEnvironmentManagerChild`, detail: 'missing: no statement of roleInfraEnvironmentManager policies allows sts:AssumeRole' },
  },
  {
    name: 'one child is missing from the AssumeRole statement',
    setup: () => broken('master', MASTER, (r) => {
      const s = statements(r).find((x) => x.Sid === 'AssumeChildRoles');
      if (s) s.Resource = [`arn:aws:iam::${DEV}:role/roleInfraEnvironmentManagerChild`];
    }),
    fails: { kind: 'assume', check: `sts:AssumeRole arn:aws:iam::${PROD}:role/roleInfraEnvironmentManagerChild`, detail: 'missing' },
  },
  {
    name: "a child role trusts the wrong master account",
    setup: () => broken('child', PROD, (r) => (r.trust.Statement[0]!.Principal = { AWS: 'arn:aws:iam::111111111112:role/roleInfraEnvironmentManager' })),
    fails: { kind: 'assume', check: `sts:AssumeRole arn:aws:iam::${PROD}:role/roleInfraEnvironmentManagerChild`, detail: 'missing: no statement of roleInfraEnvironmentManagerChild trust allows principal' },
  },
  {
    name: "a child role trusts the whole master account (the agents could hop in)",
    setup: () => broken('child', DEV, (r) => (r.trust.Statement[0]!.Principal = { AWS: MASTER })),
    fails: { kind: 'trust', subject: `${DEV}/roleInfraEnvironmentManagerChild`, check: `trusts the agents' role of the master (arn:aws:iam::${MASTER}:role/roleDeploymentTest)`, detail: 'admitted by roleInfraEnvironmentManagerChild trust#Trusted' },
  },
  {
    name: 'the scheduler may terminate instances',
    setup: () => broken('scheduler', DEV, (r) => {
      const s = statements(r).find((x) => x.Sid === 'StartStopInstances');
      if (s) s.Action = ['ec2:StartInstances', 'ec2:StopInstances', 'ec2:TerminateInstances'];
    }),
    fails: { kind: 'dangerous', subject: `${DEV}/roleInfraEnvironmentManagerScheduler`, detail: 'allowed by roleInfraEnvironmentManagerSchedulerPolicy#StartStopInstances' },
  },
  {
    name: 'the scheduler gets an action it does not need',
    setup: () => broken('scheduler', MASTER, (r) => add(r, allow('Extra', ['autoscaling:PutLifecycleHook'], ['*']))),
    fails: { kind: 'unneeded', detail: 'extra: roleInfraEnvironmentManagerSchedulerPolicy#Extra grants autoscaling:PutLifecycleHook' },
  },
  {
    name: 'the agents may overwrite packages',
    setup: () => broken('agent', PROD, (r) => add(r, allow('WritePackages', ['s3:PutObject'], ['arn:aws:s3:::em-packages/*']))),
    fails: { kind: 'forbidden', subject: `${PROD}/roleDeploymentTest`, check: 's3:PutObject arn:aws:s3:::em-packages/c50/Search/Search-1.2.3.zip', detail: 'allowed by CommonInstanceProfile#WritePackages' },
  },
  {
    name: 'the agents get s3:* on everything',
    setup: () => broken('agent', DEV, (r) => add(r, allow('AllOfS3', ['s3:*'], ['*']))),
    fails: { kind: 'forbidden', check: 's3:GetObject arn:aws:s3:::em-secure/consul-token', detail: 'allowed by CommonInstanceProfile#AllOfS3' },
  },
  {
    name: 'the agents can no longer read packages',
    setup: () => broken('agent', DEV, (r) => drop(r, 'ReadPackages')),
    fails: { kind: 'needs', check: 's3:GetObject arn:aws:s3:::em-packages/c50/Search/Search-1.2.3.zip', detail: 'missing: no statement allows s3:GetObject' },
  },
  {
    name: 'the Deny protecting the audit table is gone',
    setup: () => broken('master', MASTER, (r) => drop(r, 'ProtectAuditTrail')),
    fails: { kind: 'forbidden', check: `dynamodb:DeleteItem arn:aws:dynamodb:eu-west-1:${MASTER}:table/InfraChangeAudit`, detail: 'allowed by roleInfraEnvironmentManagerPolicy#ConfigTables' },
  },
  {
    name: 'EM may hand its own role to an instance',
    setup: () => broken('child', DEV, (r) => drop(r, 'KeepInfraRolesOffInstances')),
    fails: { kind: 'forbidden', check: `iam:PassRole arn:aws:iam::${DEV}:role/roleInfraEnvironmentManagerChild`, detail: 'allowed by roleInfraEnvironmentManagerChildPolicy#PassInstanceRoles' },
  },
  {
    name: 'a child role lost the Auto Scaling statement',
    setup: () => broken('child', PROD, (r) => drop(r, 'AutoScaling')),
    fails: { kind: 'needs', subject: `${PROD}/roleInfraEnvironmentManagerChild`, detail: 'missing: no statement allows autoscaling:CreateAutoScalingGroup' },
  },
  {
    name: "the topics are SPEC §12's lower-case pattern only",
    setup: () => broken('master', MASTER, (r) => (statements(r).find((s) => s.Sid === 'Topics')!.Resource = [`arn:aws:sns:eu-west-1:${MASTER}:environment*`])),
    fails: { kind: 'needs', check: `sns:Publish arn:aws:sns:eu-west-1:${MASTER}:EnvironmentManagerConfigurationChange`, detail: 'missing' },
  },
  {
    name: 'AssumeRole widened to every role',
    setup: () => broken('audit', DEV, (r) => (statements(r).find((s) => s.Sid === 'AssumeAuditWriter')!.Resource = ['*'])),
    fails: { kind: 'forbidden', check: 'sts:AssumeRole arn:aws:iam::999999999999:role/OrganizationAccountAccessRole', detail: 'allowed by roleInfraEnvironmentManagerAuditPolicy#AssumeAuditWriter' },
  },
  {
    name: 'the audit writer may rewrite configuration',
    setup: () => broken('audit-writer', MASTER, (r) => (statements(r)[0]!.Resource = ['*'])),
    fails: { kind: 'forbidden', check: `dynamodb:PutItem arn:aws:dynamodb:eu-west-1:${MASTER}:table/ConfigEnvironments`, detail: 'allowed by roleInfraEnvironmentManagerAuditWriterPolicy#WriteAuditTable' },
  },
  {
    name: "a child's audit job can no longer reach the writer",
    setup: () => broken('audit-writer', MASTER, (r) => (r.trust.Statement[0]!.Principal = { AWS: [`arn:aws:iam::${DEV}:root`] })),
    fails: { kind: 'assume', subject: `${PROD}/roleInfraEnvironmentManagerAudit`, detail: 'missing: no statement of roleInfraEnvironmentManagerAuditWriter trust allows principal' },
  },
  {
    name: "EM's child role may assume the audit writer",
    setup: () => broken('child', DEV, (r) => add(r, allow('Hop', ['sts:AssumeRole'], [`arn:aws:iam::${MASTER}:role/roleInfraEnvironmentManagerAuditWriter`]))),
    fails: { kind: 'assume', subject: `${DEV}/roleInfraEnvironmentManagerChild`, check: `sts:AssumeRole arn:aws:iam::${MASTER}:role/roleInfraEnvironmentManagerAuditWriter` , detail: 'allowed by roleInfraEnvironmentManagerChildPolicy#Hop' },
  },
  {
    name: 'the replication job may assume the child roles',
    setup: () => broken('replica', MASTER, (r) => (statements(r).find((s) => s.Sid === 'AssumeReplicaWriters')!.Resource = [`arn:aws:iam::${DEV}:role/*`])),
    fails: { kind: 'forbidden', check: `sts:AssumeRole arn:aws:iam::${DEV}:role/roleInfraEnvironmentManagerChild`, detail: 'allowed by roleInfraDynamoStreamReplicaPolicy#AssumeReplicaWriters' },
  },
  {
    name: 'a job role trusts EC2 as well (instances could take it)',
    setup: () => broken('backup', MASTER, (r) => (r.trust.Statement[0]!.Principal = { Service: ['lambda.amazonaws.com', 'ec2.amazonaws.com'] })),
    fails: { kind: 'trust', subject: `${MASTER}/roleInfraEnvironmentManagerBackup`, check: 'trusts ec2.amazonaws.com', detail: 'admitted by roleInfraEnvironmentManagerBackup trust#Trusted' },
  },
  {
    name: 'a NotAction statement grants everything else',
    setup: () => broken('replica-writer', PROD, (r) => add(r, { Sid: 'Broad', Effect: 'Allow', NotAction: ['iam:*'], Resource: ['*'] })),
    fails: { kind: 'dangerous', subject: `${PROD}/roleInfraDynamoStreamReplicaWriter`, check: 's3:DeleteBucket x', detail: 'allowed by roleInfraDynamoStreamReplicaWriterPolicy#Broad' },
  },
  {
    name: 'a statement uses a Condition the evaluator does not model',
    setup: () => broken('agent', MASTER, (r) => add(r, { ...allow('Conditional', ['s3:GetObject'], ['*']), Condition: {} } as Statement)),
    fails: { kind: 'supported', detail: 'CommonInstanceProfile#Conditional' },
  },
  {
    name: 'a child has no child role',
    setup: () => {
      const setup = generateIamSetup(SAMPLE_INPUT);
      return { ...setup, roles: setup.roles.filter((r) => !(r.kind === 'child' && r.account === DEV)) };
    },
    fails: { kind: 'present', subject: `${DEV}/roleInfraEnvironmentManagerChild`, detail: 'missing from the set-up' },
  },
];

describe('proveRoleChain on deliberately broken set-ups', () => {
  it.each(cases)('fails when $name', ({ setup, fails }) => {
    const proof = proveRoleChain(setup());
    expect(proof.ok).toBe(false);
    const failing = proof.checks.filter((c) => !c.ok);
    const { detail, ...rest } = fails;
    expect(failing).toContainEqual(expect.objectContaining({ ...rest, detail: expect.stringContaining(detail) }));
  });
});
