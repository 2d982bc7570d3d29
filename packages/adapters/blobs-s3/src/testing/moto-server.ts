import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';

/** A moto server (an S3 look-alike, among others) started by a test on a loopback port. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** A new S3 client of this server (path-style addressing, static test credentials). */
  client(): S3Client;
  /** Stops the server by its process id and waits for it to exit. */
  stop(): Promise<void>;
}

/** Why the moto server cannot run here, or undefined when it can. */
export function motoServerMissing(): string | undefined {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0 ? undefined : "moto_server is missing (pip install 'moto[server]'; .ci/run installs it)";
}

export function testS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'eu-west-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
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

export async function startMotoServer(): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const probe = testS3Client(endpoint);
  try {
    await waitUntilUp(probe, child, () => stderr);
  } catch (err) {
    await stopChild(child, exited);
    throw err;
  } finally {
    probe.destroy();
  }
  return { endpoint, client: () => testS3Client(endpoint), stop: () => stopChild(child, exited) };
}

async function waitUntilUp(client: S3Client, child: ChildProcess, stderr: () => string): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new TypeError(`moto_server exited with ${child.exitCode}: ${stderr()}`);
    try {
      await client.send(new ListBucketsCommand({}));
      return;
    } catch {
      if (Date.now() > until) throw new TypeError(`moto_server did not answer within 60 s: ${stderr()}`);
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
