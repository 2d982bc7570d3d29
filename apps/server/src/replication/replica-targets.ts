import { createDynamoClient, createDynamoConfigStore } from '@envmgr/adapter-store-dynamodb';
import { listAll, type ReplicaTarget } from '@envmgr/app';
import { DependencyUnavailableError } from '@envmgr/domain';
import type { AccountCredentials, ConfigStore } from '@envmgr/ports';

export interface ReplicaTargetsOptions {
  /** The master's configuration: its `accounts` are the accounts replicated into. */
  store: ConfigStore;
  region: string;
  /** The same prefix as the master's tables (each child has the same tables). @default '' */
  tablePrefix?: string;
  /**
   * DynamoDB endpoints of stand-in accounts (a DynamoDB Local per account), by account; such an account is reached
   * with fixed stand-in credentials, not an assumed role. @default none: every account is reached in the region through `credentials`
   */
  endpoints?: ReadonlyMap<string, string>;
  /** The child role of each account (the Credentials port); without it only `endpoints` accounts can be reached. */
  credentials?: AccountCredentials;
}

/**
 * The child accounts to replicate into: every account registered in the configuration (SPEC §3.1), each reached with
 * its assumed child role (`roleInfraEnvironmentManagerChild`, cached by the Credentials port until near expiry).
 */
export function replicaTargets(opts: ReplicaTargetsOptions): () => Promise<ReplicaTarget[]> {
  return async () => {
    const accounts = (await listAll(opts.store, 'accounts')).map((a) => a.key);
    return accounts.map((account) => ({ account, open: () => Promise.resolve(openReplica(opts, account)) }));
  };
}

function openReplica(opts: ReplicaTargetsOptions, account: string): ConfigStore {
  const endpoint = opts.endpoints?.get(account);
  const credentials = opts.credentials;
  if (!endpoint && !credentials) {
    throw new DependencyUnavailableError(`cannot reach account ${account}: replication needs the child role of each account (ENVMGR_COMPUTE=aws with ENVMGR_AWS_ACCOUNTS) or a stand-in endpoint in ENVMGR_REPLICATION_ENDPOINTS`, { account });
  }
  const client = createDynamoClient({
    region: opts.region,
    endpoint,
    // the SDK asks again whenever they near expiry; the port renews them (an expired credential is re-assumed)
    // a stand-in takes any credentials (DynamoDB Local); a real account gets its assumed role's
    credentials: endpoint ? STAND_IN_CREDENTIALS : async () => toSdk(await (credentials as AccountCredentials).get(account)),
    // one attempt: an account that does not answer fails this pass, the next pass tries again
    maxAttempts: 1,
  });
  const store = createDynamoConfigStore({ client, tablePrefix: opts.tablePrefix ?? '', retry: { maxAttempts: 3 } });
  return {
    ...store,
    async close() {
      await store.close();
      client.destroy();
    },
  };
}

const STAND_IN_CREDENTIALS = { accessKeyId: 'standin', secretAccessKey: 'standin' };

function toSdk(c: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiresAtMs: number }) {
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: new Date(c.expiresAtMs) };
}

/** `123456789012=http://127.0.0.1:8001,...` as a map; the config schema has checked the shape. */
export function parseEndpoints(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of (text ?? '').split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    out.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return out;
}
