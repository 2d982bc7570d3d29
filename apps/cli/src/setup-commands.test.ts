import { describe, expect, it } from 'vitest';
import { cliHarness, type FakeAnswer, type SeenRequest } from './test-harness.js';

const SETUP = {
  region: 'eu-west-1',
  master: '111111111111',
  buckets: { config: 'em-config', secure: 'em-secure', backup: 'em-backup', logs: 'em-deploy-logs', deploy: 'em-packages' },
  accounts: [
    { name: 'logs', number: '000000000002', purpose: 'logs' },
    { number: '333333333333', purpose: 'sandbox', organizationalUnit: 'travel' },
  ],
};
const ACCOUNTS = [
  { AccountName: 'master', AccountNumber: '111111111111', RoleArn: 'arn:aws:iam::111111111111:role/roleInfraEnvironmentManagerChild', Version: 1 },
  { AccountName: 'dev', AccountNumber: '222222222222', Version: 1 },
  { AccountName: 'sandbox', AccountNumber: '333333333333', Version: 2 },
];
const files = (setup: unknown = SETUP) => ({ 'setup.json': JSON.stringify(setup), 'accounts.json': JSON.stringify(ACCOUNTS) });

describe('envmgr setup iam', () => {
  it('prints one CloudFormation template per account and the logs account templates, the same every time', async () => {
    const h = cliHarness(undefined, { files: files() });
    expect(await h.run('setup', 'iam', '--input', 'setup.json', '--accounts', 'accounts.json')).toBe(0);
    const printed = JSON.parse(h.stdout) as Record<string, { Resources: Record<string, unknown> }>;
    expect(Object.keys(printed)).toEqual([
      'cloudformation/111111111111.template.json',
      'cloudformation/222222222222.template.json',
      'cloudformation/333333333333.template.json',
      'cloudformation/000000000002.logs-account.template.json',
      'cloudformation/111111111111.logging.template.json',
      'cloudformation/222222222222.logging.template.json',
      'cloudformation/333333333333.logging.template.json',
    ]);
    expect(Object.keys(printed['cloudformation/222222222222.template.json']?.Resources ?? {})).toContain('RoleInfraEnvironmentManagerChild');
    const first = h.stdout;
    await h.run('setup', 'iam', '--input', 'setup.json', '--accounts', 'accounts.json');
    expect(h.stdout).toBe(first);
  });

  it('reads the registered accounts from the server when no file is given', async () => {
    const h = cliHarness((req: SeenRequest): FakeAnswer => (req.path === 'config/accounts' ? { body: ACCOUNTS } : { status: 404 }), { files: files() });
    expect(await h.run('setup', 'iam', '--input', 'setup.json', '--format', 'json')).toBe(0);
    expect(h.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET config/accounts']);
    const printed = JSON.parse(h.stdout) as Record<string, unknown>;
    expect(printed['policies/222222222222/roleInfraEnvironmentManagerChildPolicy.json']).toMatchObject({ Version: '2012-10-17' });
  });

  it("takes purposes and organisational units from the server's accounts, so the set-up file needs none", async () => {
    const registered = [
      { AccountName: 'master', AccountNumber: '111111111111', Purpose: 'shared-services', Version: 1 },
      { AccountName: 'prod', AccountNumber: '222222222222', Purpose: 'application', Stage: 'prod', OrganizationalUnit: 'travel', Version: 1 },
      { AccountName: 'sandbox', AccountNumber: '333333333333', Purpose: 'sandbox', OrganizationalUnit: 'travel', Version: 1 },
      { AccountName: 'logs', AccountNumber: '000000000002', Purpose: 'logs', Version: 1 },
      { AccountName: 'security', AccountNumber: '000000000001', Purpose: 'security', Version: 1 },
    ];
    const { accounts: _described, ...bare } = SETUP;
    const h = cliHarness((req: SeenRequest): FakeAnswer => (req.path === 'config/accounts' ? { body: registered } : { status: 404 }), { files: files(bare) });
    expect(await h.run('setup', 'iam', '--input', 'setup.json')).toBe(0);
    const printed = Object.keys(JSON.parse(h.stdout) as Record<string, unknown>);
    // the logs account gets the trail's bucket and key; security hosts no EM roles but is logged
    expect(printed).toContain('cloudformation/000000000002.logs-account.template.json');
    expect(printed).toContain('cloudformation/000000000001.logging.template.json');
    expect(printed).not.toContain('cloudformation/000000000001.template.json');
    expect(printed).toContain('cloudformation/333333333333.template.json');
  });

  it("refuses a server account whose purpose the generator does not know, naming it", async () => {
    const registered = [{ AccountName: 'master', AccountNumber: '111111111111', Purpose: 'prod', Version: 1 }];
    const h = cliHarness((req: SeenRequest): FakeAnswer => (req.path === 'config/accounts' ? { body: registered } : { status: 404 }), { files: files() });
    expect(await h.run('setup', 'iam', '--input', 'setup.json')).toBe(2);
    expect(h.stderr).toContain("item 0: Purpose 'prod' is not one of shared-services, application, sandbox, testing, security, logs");
  });

  it('writes plain policy JSON under --out', async () => {
    const h = cliHarness(undefined, { files: files() });
    expect(await h.run('setup', 'iam', '--input', 'setup.json', '--accounts', 'accounts.json', '--format', 'json', '--out', 'out')).toBe(0);
    expect(h.files.has('out/policies/roles.json')).toBe(true);
    expect(JSON.parse(h.files.get('out/policies/111111111111/roleInfraEnvironmentManagerPolicy.json') ?? '{}')).toMatchObject({ Statement: expect.arrayContaining([expect.objectContaining({ Sid: 'AssumeChildRoles' })]) });
    expect(h.fsLog).toContain('mkdir out/policies/333333333333');
    expect(h.stderr).toContain('wrote');
  });

  it('refuses bad input before generating anything, naming each problem', async () => {
    const bad = { ...SETUP, region: 'europe', accounts: [{ number: '12345', purpose: 'sandbox' }] };
    const h = cliHarness(undefined, { files: files(bad) });
    expect(await h.run('setup', 'iam', '--input', 'setup.json', '--accounts', 'accounts.json')).toBe(2);
    expect(h.stdout).toBe('');
    expect(h.stderr).toContain("region: 'europe' is not an AWS region name");
    expect(h.stderr).toContain("number '12345'; an AWS account number is exactly 12 digits");
  });
});

describe('envmgr setup check', () => {
  it('prints the proof as a table and exits 0', async () => {
    const h = cliHarness(undefined, { files: files() });
    expect(await h.run('setup', 'check', '--input', 'setup.json', '--accounts', 'accounts.json')).toBe(0);
    const lines = h.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RESULT\s+KIND\s+ROLE\s+CHECK\s+EXPECTED\s+WHY$/);
    expect(h.stdout).toMatch(/ok\s+assume\s+111111111111\/roleInfraEnvironmentManager\s+sts:AssumeRole arn:aws:iam::333333333333:role\/roleInfraEnvironmentManagerChild\s+allow/);
    expect(lines.at(-1)).toMatch(/^\d+ checks, 0 failed$/);
  });

  it('prints JSON with --json', async () => {
    const h = cliHarness(undefined, { files: files() });
    expect(await h.run('setup', 'check', '--input', 'setup.json', '--accounts', 'accounts.json', '--json')).toBe(0);
    const proof = JSON.parse(h.stdout) as { ok: boolean; checks: unknown[] };
    expect(proof.ok).toBe(true);
    expect(proof.checks.length).toBeGreaterThan(100);
  });

  it('checks policy files edited by hand and fails naming the missing statement', async () => {
    const h = cliHarness(undefined, { files: files() });
    await h.run('setup', 'iam', '--input', 'setup.json', '--accounts', 'accounts.json', '--format', 'json', '--out', 'out');
    expect(await h.run('setup', 'check', '--input', 'setup.json', '--accounts', 'accounts.json', '--from', 'out')).toBe(0);
    const path = 'out/policies/111111111111/roleInfraEnvironmentManagerPolicy.json';
    const doc = JSON.parse(h.files.get(path) ?? '{}') as { Statement: { Sid: string }[] };
    doc.Statement = doc.Statement.filter((s) => s.Sid !== 'AssumeChildRoles');
    h.files.set(path, JSON.stringify(doc));
    expect(await h.run('setup', 'check', '--input', 'setup.json', '--accounts', 'accounts.json', '--from', 'out', '--failures')).toBe(1);
    expect(h.stdout).toMatch(/FAIL\s+assume\s+111111111111\/roleInfraEnvironmentManager\s+sts:AssumeRole arn:aws:iam::222222222222:role\/roleInfraEnvironmentManagerChild/);
    expect(h.stderr).toContain('error: the IAM set-up fails 6 check(s); first: 111111111111/roleInfraEnvironmentManager: sts:AssumeRole arn:aws:iam::111111111111:role/roleInfraEnvironmentManagerChild: missing: no statement allows sts:AssumeRole');
  });
});
