import { describe, expect, it } from 'vitest';
import { SAMPLE_INPUT } from './fixtures.js';
import { findRole, generateIamSetup } from './generate.js';
import { checkSetupInput, type IamSetupInput } from './input.js';
import { renderLogsAccountTemplates } from './logs-account.js';
import { readPolicyFiles } from './read-policy-files.js';
import { renderCloudFormation, renderPolicyFiles } from './render.js';

const MASTER = '111111111111';

describe('checkSetupInput', () => {
  it('accepts the sample', () => {
    expect(checkSetupInput(SAMPLE_INPUT)).toEqual([]);
  });

  it.each<[string, (i: IamSetupInput) => IamSetupInput, string, string]>([
    ['an 11-digit account number', (i) => ({ ...i, accounts: [...i.accounts, { name: 'short', number: '12345678901', purpose: 'sandbox' }] }), 'accounts.5.number', 'exactly 12 digits'],
    ['a region that does not exist', (i) => ({ ...i, region: 'europe-1' }), 'region', "'europe-1' is not an AWS region name"],
    ['a master that is not listed', (i) => ({ ...i, master: '999999999999' }), 'master', 'is not among the accounts'],
    ['a master that is not the shared-services account', (i) => ({ ...i, master: '222222222222' }), 'master', 'must be shared-services'],
    ['a bucket name with capitals', (i) => ({ ...i, buckets: { ...i.buckets, deploy: 'EM_Packages' } }), 'buckets.deploy', 'is not an S3 bucket name'],
    ['an account listed twice', (i) => ({ ...i, accounts: [...i.accounts, { name: 'again', number: MASTER, purpose: 'sandbox' }] }), 'accounts.5.number', 'listed twice'],
  ])('refuses %s', (_name, change, path, message) => {
    expect(checkSetupInput(change(SAMPLE_INPUT))).toContainEqual({ path, message: expect.stringContaining(message) });
  });
});

describe('generateIamSetup', () => {
  const setup = generateIamSetup(SAMPLE_INPUT);

  it('gives the same output whatever the order of the accounts', () => {
    const reversed = generateIamSetup({ ...SAMPLE_INPUT, accounts: [...SAMPLE_INPUT.accounts].reverse() });
    expect(JSON.stringify(reversed.roles)).toBe(JSON.stringify(setup.roles));
    expect(renderCloudFormation(reversed)).toEqual(renderCloudFormation(setup));
  });

  it('creates the roles of SPEC §12 in the master and each child, none in the security and logs accounts', () => {
    expect(setup.roles.map((r) => `${r.account} ${r.name}`)).toEqual([
      `${MASTER} roleInfraEnvironmentManager`,
      `${MASTER} roleInfraEnvironmentManagerChild`,
      `${MASTER} roleInfraEnvironmentManagerScheduler`,
      `${MASTER} roleInfraEnvironmentManagerAudit`,
      `${MASTER} roleInfraEnvironmentManagerAuditWriter`,
      `${MASTER} roleInfraEnvironmentManagerBackup`,
      `${MASTER} roleInfraDynamoStreamReplica`,
      `${MASTER} roleDeploymentTest`,
      ...['222222222222', '333333333333'].flatMap((c) => [
        `${c} roleInfraEnvironmentManagerChild`,
        `${c} roleInfraEnvironmentManagerScheduler`,
        `${c} roleInfraEnvironmentManagerAudit`,
        `${c} roleInfraDynamoStreamReplicaWriter`,
        `${c} roleDeploymentTest`,
      ]),
    ]);
  });

  it('fills the placeholders: the master assumes each child role, in the installation region', () => {
    const master = findRole(setup, 'master', MASTER);
    const statements = master?.policies[0]?.document.Statement ?? [];
    expect(statements.find((s) => s.Sid === 'AssumeChildRoles')?.Resource).toEqual(
      [MASTER, '222222222222', '333333333333'].map((a) => `arn:aws:iam::${a}:role/roleInfraEnvironmentManagerChild`),
    );
    expect(statements.find((s) => s.Sid === 'ConfigTables')?.Resource).toContain(`arn:aws:dynamodb:eu-west-1:${MASTER}:table/Config*`);
    expect(findRole(setup, 'child', '333333333333')?.trust.Statement).toEqual([
      { Sid: 'Trusted', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MASTER}:role/roleInfraEnvironmentManager` }, Action: ['sts:AssumeRole'] },
    ]);
  });

  it('without children, leaves out the roles that would trust or assume nobody', () => {
    const alone = generateIamSetup({ ...SAMPLE_INPUT, accounts: SAMPLE_INPUT.accounts.filter((a) => a.number === MASTER) });
    expect(alone.roles.map((r) => r.kind)).toEqual(['master', 'child', 'scheduler', 'audit', 'backup', 'agent']);
  });
});

describe('rendering', () => {
  const setup = generateIamSetup(SAMPLE_INPUT);

  it('writes one CloudFormation template per account with roles, instance profiles and the agents managed policy', () => {
    const files = renderCloudFormation(setup);
    expect(files.map((f) => f.path)).toEqual([MASTER, '222222222222', '333333333333'].map((a) => `cloudformation/${a}.template.json`));
    const master = JSON.parse(files[0]!.content) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    expect(master.Resources.RoleInfraEnvironmentManager?.Properties.Policies).toEqual([
      { PolicyName: 'roleInfraEnvironmentManagerPolicy', PolicyDocument: findRole(setup, 'master', MASTER)?.policies[0]?.document },
    ]);
    expect(master.Resources.RoleInfraEnvironmentManagerProfile).toEqual({ Type: 'AWS::IAM::InstanceProfile', Properties: { InstanceProfileName: 'roleInfraEnvironmentManager', Roles: [{ Ref: 'RoleInfraEnvironmentManager' }] } });
    expect(master.Resources.CommonInstanceProfilePolicy?.Type).toBe('AWS::IAM::ManagedPolicy');
    expect(master.Resources.RoleDeploymentTest?.Properties.ManagedPolicyArns).toEqual([{ Ref: 'CommonInstanceProfilePolicy' }]);
  });

  it('writes plain policy JSON per account and an index', () => {
    const files = renderPolicyFiles(setup);
    const paths = files.map((f) => f.path);
    expect(paths).toContain(`policies/${MASTER}/roleInfraEnvironmentManagerPolicy.json`);
    expect(paths).toContain('policies/222222222222/roleInfraEnvironmentManagerChild.trust.json');
    expect(paths).toContain('policies/333333333333/CommonInstanceProfile.json');
    expect(paths.at(-1)).toBe('policies/roles.json');
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('renders the logs account: bucket, bucket policy and KMS key admitting every other account', () => {
    const files = renderLogsAccountTemplates(SAMPLE_INPUT);
    expect(files.map((f) => f.path)).toEqual([
      'cloudformation/000000000002.logs-account.template.json',
      ...['000000000001', MASTER, '222222222222', '333333333333'].map((a) => `cloudformation/${a}.logging.template.json`),
    ]);
    const logs = files[0]!.content;
    for (const a of ['000000000001', MASTER, '222222222222', '333333333333']) {
      expect(logs).toContain(`arn:aws:cloudtrail:*:${a}:trail/*`);
      expect(logs).toContain(`arn:aws:s3:::envmgr-trail-000000000002-eu-west-1/AWSLogs/${a}/Config/*`);
    }
    const trail = JSON.parse(files[2]!.content) as { Resources: { Trail: { Properties: Record<string, unknown> } } };
    expect(trail.Resources.Trail.Properties).toMatchObject({ S3BucketName: 'envmgr-trail-000000000002-eu-west-1', KMSKeyId: 'arn:aws:kms:eu-west-1:000000000002:alias/envmgr-cloudtrail', EnableLogFileValidation: true });
  });

  it('renders no logs templates without a logs account', () => {
    expect(renderLogsAccountTemplates({ ...SAMPLE_INPUT, accounts: SAMPLE_INPUT.accounts.filter((a) => a.purpose !== 'logs') })).toEqual([]);
  });
});

describe('readPolicyFiles', () => {
  const setup = generateIamSetup(SAMPLE_INPUT);
  const written = () => new Map(renderPolicyFiles(setup).map((f) => [f.path.replace(/^policies\//, ''), f.content]));

  it('reads back what renderPolicyFiles wrote', () => {
    const read = readPolicyFiles(SAMPLE_INPUT, written());
    expect(read.ok && read.setup.roles).toEqual(setup.roles);
  });

  it('names missing and malformed files', () => {
    const files = written();
    files.delete(`${MASTER}/roleInfraEnvironmentManager.trust.json`);
    files.set('222222222222/CommonInstanceProfile.json', '{"Statement": "all"}');
    const read = readPolicyFiles(SAMPLE_INPUT, files);
    expect(read.ok ? [] : read.problems).toEqual([
      { path: `${MASTER}/roleInfraEnvironmentManager.trust.json`, message: 'is missing' },
      { path: '222222222222/CommonInstanceProfile.json', message: expect.stringContaining('is not a policy document') },
    ]);
  });
});
