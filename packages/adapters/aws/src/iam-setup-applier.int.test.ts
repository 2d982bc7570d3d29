import { GetRoleCommand, GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, GetInstanceProfileCommand } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyIamSetup, type RoleToApply } from './iam-setup-applier.js';
import { createStsAccountCredentials } from './sts-account-credentials.js';
import { hasMotoServer, MOTO_MISSING, motoClientConfig, startMotoServer, type MotoServer } from './testing.js';

const HAS_MOTO = hasMotoServer();
if (!HAS_MOTO) console.warn(`iam-setup-applier.int.test.ts skipped: ${MOTO_MISSING}`);

const MASTER = '111111111111';
const CHILD = '222222222222';
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const common = { name: 'CommonInstanceProfile', document: doc({ Sid: 'ReadPackages', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::em-packages/*'] }), managed: true };

const ROLES: RoleToApply[] = [
  {
    account: MASTER,
    name: 'roleInfraEnvironmentManager',
    description: 'EM itself',
    trust: doc({ Sid: 'Trusted', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: ['sts:AssumeRole'] }),
    policies: [{ name: 'roleInfraEnvironmentManagerPolicy', document: doc({ Sid: 'AssumeChildRoles', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [`arn:aws:iam::${CHILD}:role/roleInfraEnvironmentManagerChild`] }), managed: false }],
    instanceProfile: 'roleInfraEnvironmentManager',
  },
  {
    account: CHILD,
    name: 'roleInfraEnvironmentManagerChild',
    description: 'EM acting in this child account',
    trust: doc({ Sid: 'Trusted', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MASTER}:role/roleInfraEnvironmentManager` }, Action: ['sts:AssumeRole'] }),
    policies: [{ name: 'roleInfraEnvironmentManagerChildPolicy', document: doc({ Sid: 'Instances', Effect: 'Allow', Action: ['ec2:Describe*'], Resource: ['*'] }), managed: false }],
  },
  { account: CHILD, name: 'roleDeploymentTest', description: 'agents', trust: doc({ Sid: 'Trusted', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: ['sts:AssumeRole'] }), policies: [common], instanceProfile: 'roleDeploymentTest' },
];

describe.skipIf(!HAS_MOTO)('applyIamSetup on moto, master + child account', () => {
  let moto: MotoServer;
  let clientFor: (account: string) => Promise<IAMClient>;
  beforeAll(async () => {
    moto = await startMotoServer();
    // the operator's credentials act in the master; other accounts are reached through an admin role there
    const admin = createStsAccountCredentials({ sts: new STSClient(motoClientConfig(moto.endpoint)), clock: { now: () => Date.now() }, roleArn: (a) => `arn:aws:iam::${a}:role/OrganizationAccountAccessRole` });
    clientFor = async (account) => new IAMClient(motoClientConfig(moto.endpoint, await admin.get(account)));
  });
  afterAll(() => moto?.stop());

  it('creates the roles in their accounts, then finds nothing to change', async () => {
    const first = await applyIamSetup(ROLES, { clientFor });
    expect(first.map((c) => `${c.account} ${c.kind} ${c.name} ${c.change}`)).toEqual([
      `${MASTER} role roleInfraEnvironmentManager created`,
      `${MASTER} inline-policy roleInfraEnvironmentManager/roleInfraEnvironmentManagerPolicy created`,
      `${MASTER} instance-profile roleInfraEnvironmentManager created`,
      `${CHILD} role roleInfraEnvironmentManagerChild created`,
      `${CHILD} inline-policy roleInfraEnvironmentManagerChild/roleInfraEnvironmentManagerChildPolicy created`,
      `${CHILD} role roleDeploymentTest created`,
      `${CHILD} managed-policy CommonInstanceProfile created`,
      `${CHILD} instance-profile roleDeploymentTest created`,
    ]);
    const child = await clientFor(CHILD);
    const role = await child.send(new GetRoleCommand({ RoleName: 'roleInfraEnvironmentManagerChild' }));
    expect(role.Role?.Arn).toBe(`arn:aws:iam::${CHILD}:role/roleInfraEnvironmentManagerChild`);
    expect(JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '{}'))).toEqual(ROLES[1]?.trust);
    const inline = await child.send(new GetRolePolicyCommand({ RoleName: 'roleInfraEnvironmentManagerChild', PolicyName: 'roleInfraEnvironmentManagerChildPolicy' }));
    expect(JSON.parse(decodeURIComponent(inline.PolicyDocument ?? '{}'))).toEqual(ROLES[1]?.policies[0]?.document);
    const attached = await child.send(new ListAttachedRolePoliciesCommand({ RoleName: 'roleDeploymentTest' }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([`arn:aws:iam::${CHILD}:policy/CommonInstanceProfile`]);
    const profile = await child.send(new GetInstanceProfileCommand({ InstanceProfileName: 'roleDeploymentTest' }));
    expect(profile.InstanceProfile?.Roles?.map((r) => r.RoleName)).toEqual(['roleDeploymentTest']);
    // the child's role is not in the master account
    await expect((await clientFor(MASTER)).send(new GetRoleCommand({ RoleName: 'roleInfraEnvironmentManagerChild' }))).rejects.toThrow();

    const again = await applyIamSetup(ROLES, { clientFor });
    expect(again.filter((c) => c.change !== 'unchanged')).toEqual([]);
  });

  it('updates a changed trust policy and a changed managed policy', async () => {
    const changed = structuredClone(ROLES);
    changed[1]!.trust = doc({ Sid: 'Trusted', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MASTER}:role/roleInfraEnvironmentManagerNew` }, Action: ['sts:AssumeRole'] });
    changed[2]!.policies[0]!.document = doc({ Sid: 'ReadPackages', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::em-packages-2/*'] });
    const out = await applyIamSetup(changed, { clientFor });
    expect(out.filter((c) => c.change !== 'unchanged').map((c) => `${c.kind} ${c.name} ${c.change}`)).toEqual(['role roleInfraEnvironmentManagerChild updated', 'managed-policy CommonInstanceProfile updated']);
  });
});
