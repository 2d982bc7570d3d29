import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '@envmgr/domain';
import { accountCredentialsContract } from '@envmgr/ports/testing';
import { createStsAccountCredentials } from './sts-account-credentials.js';
import { hasMotoServer, MOTO_MISSING, motoClientConfig, startMotoServer, startRefusingStsProxy, type MotoServer } from './testing.js';

// One moto server for the file (TOOLING.md: moto's STS lets AssumeRole into any account; later calls act there).
const HAS_MOTO = hasMotoServer();
if (!HAS_MOTO) console.warn(`sts-account-credentials.int.test.ts skipped: ${MOTO_MISSING}`);

const MASTER = '111111111111';
const CHILDREN = ['222222222222', '333333333333'];
const REFUSED = '444444444444';
// moto issues credentials for one hour
const LIFETIME_MS = 3_600_000;
const MARGIN_MS = 300_000;

describe.skipIf(!HAS_MOTO)('STS account credentials on moto', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMotoServer();
  });
  afterAll(() => moto?.stop());

  accountCredentialsContract('sts on moto', async () => {
    const proxy = await startRefusingStsProxy(moto.endpoint, REFUSED);
    const sts = new STSClient(motoClientConfig(proxy.endpoint));
    let now = Date.now();
    const credentials = createStsAccountCredentials({ sts, clock: { now: () => now }, renewBeforeMs: MARGIN_MS });
    return {
      credentials,
      accounts: [MASTER, ...CHILDREN],
      refusedAccount: REFUSED,
      advanceMs: (ms) => void (now += ms),
      lifetimeMs: LIFETIME_MS,
      marginMs: MARGIN_MS,
      dispose: async () => {
        sts.destroy();
        await proxy.close();
      },
    };
  });

  it('gives credentials that act in the child account, as the child role', async () => {
    const credentials = createStsAccountCredentials({ sts: new STSClient(motoClientConfig(moto.endpoint)), clock: { now: () => Date.now() } });
    const c = await credentials.get(CHILDREN[0]!);
    const inChild = new STSClient(motoClientConfig(moto.endpoint, { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken }));
    const who = await inChild.send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe(CHILDREN[0]);
    expect(who.Arn).toBe(`arn:aws:sts::${CHILDREN[0]}:assumed-role/roleInfraEnvironmentManagerChild/envmgr`);
  });
});

describe('STS account credentials when STS cannot be reached', () => {
  it('reports the service as unavailable, naming the account and the role, and does not cache the failure', async () => {
    const sts = new STSClient(motoClientConfig('http://127.0.0.1:9'));
    const credentials = createStsAccountCredentials({ sts, clock: { now: () => 0 } });
    for (let i = 0; i < 2; i++) {
      const err: unknown = await credentials.get('222222222222').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DependencyUnavailableError);
      expect((err as Error).message).toContain('arn:aws:iam::222222222222:role/roleInfraEnvironmentManagerChild in account 222222222222');
    }
  });
});
