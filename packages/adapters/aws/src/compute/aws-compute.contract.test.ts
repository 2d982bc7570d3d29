import { afterAll, beforeAll, describe } from 'vitest';
import { computeContract } from '@envmgr/ports/testing';
import { hasMotoServer, MOTO_MISSING, startMotoServer, type MotoServer } from '../testing.js';
import { createAwsCompute } from './aws-compute.js';
import { MOTO_CHILDREN, motoAccountClients, motoCredentials, prepareMotoAccount } from './moto-estate.js';

const HAS_MOTO = hasMotoServer();
if (!HAS_MOTO) console.warn(`aws-compute.contract.test.ts skipped: ${MOTO_MISSING}`);

// One moto server for the file, with Auto Scaling's suspended processes honoured (see moto-fidelity/); the contract
// runs in a child account, reached through the child role as EM reaches it.
describe.skipIf(!HAS_MOTO)('AWS compute on moto', () => {
  let moto: MotoServer;
  let estate: ReturnType<typeof motoCredentials>;
  const child = MOTO_CHILDREN[0];
  beforeAll(async () => {
    moto = await startMotoServer({ asgFidelity: true });
    estate = motoCredentials(moto.endpoint);
    const clients = motoAccountClients(moto.endpoint, child, estate.credentials);
    await prepareMotoAccount(clients);
    clients.destroy();
  });
  afterAll(async () => {
    estate?.destroy();
    await moto?.stop();
  });

  computeContract('aws (moto)', async () => {
    const clients = motoAccountClients(moto.endpoint, child, estate.credentials);
    const compute = createAwsCompute({ clients, agent: { registryUrl: 'http://consul.internal:8500', serverUrl: 'https://envmgr.internal' } });
    return {
      compute,
      // moto converges within each call: there is nothing left to wait for
      settle: async () => undefined,
      convergeTimeoutMs: 5_000,
      dispose: async () => {
        await compute.close();
        clients.destroy();
      },
    };
  });
});
