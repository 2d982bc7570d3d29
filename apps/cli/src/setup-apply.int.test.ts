import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasMotoServer, MOTO_MISSING, startMotoServer, type MotoServer } from '@envmgr/adapter-aws/testing';
import { cliHarness } from './test-harness.js';

// `envmgr setup iam --apply` against the moto server: the master's roles with the caller's own credentials (moto's
// default account), each child's through the admin role assumed there.
const HAS_MOTO = hasMotoServer();
if (!HAS_MOTO) console.warn(`setup-apply.int.test.ts skipped: ${MOTO_MISSING}`);

const MASTER = '123456789012'; // the account moto gives the default credentials
const SETUP = {
  region: 'eu-west-1',
  master: MASTER,
  buckets: { config: 'em-config', secure: 'em-secure', backup: 'em-backup', logs: 'em-deploy-logs', deploy: 'em-packages' },
};
const ACCOUNTS = [
  { AccountName: 'master', AccountNumber: MASTER },
  { AccountName: 'dev', AccountNumber: '222222222222' },
  { AccountName: 'prod', AccountNumber: '333333333333' },
];

describe.skipIf(!HAS_MOTO)('envmgr setup iam --apply on moto', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMotoServer();
  });
  afterAll(() => moto?.stop());

  it('creates every role, policy and profile in the master and both children, then changes nothing', async () => {
    const h = cliHarness(undefined, {
      files: { 'setup.json': JSON.stringify(SETUP), 'accounts.json': JSON.stringify(ACCOUNTS) },
      env: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'moto' },
    });
    const argv = ['setup', 'iam', '--input', 'setup.json', '--accounts', 'accounts.json', '--apply', '--aws-endpoint', moto.endpoint];
    expect(await h.run(...argv), h.stderr).toBe(0);
    const lines = h.stdout.trimEnd().split('\n').slice(1);
    expect(lines.filter((l) => /\brole\b/.test(l) && l.endsWith('created')).length).toBe(18);
    expect(h.stdout).toMatch(/222222222222\s+role\s+roleInfraEnvironmentManagerChild\s+created/);
    expect(h.stdout).toMatch(/333333333333\s+instance-profile\s+roleDeploymentTest\s+created/);
    expect(h.stdout).toMatch(new RegExp(`${MASTER}\\s+managed-policy\\s+CommonInstanceProfile\\s+created`));

    expect(await h.run(...argv)).toBe(0);
    const again = h.stdout.trimEnd().split('\n').slice(1);
    expect(again.length).toBe(lines.length);
    expect(again.every((l) => l.endsWith('unchanged'))).toBe(true);
  });
});
