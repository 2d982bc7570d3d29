import { spawnSync } from 'node:child_process';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { startLoopbackProcess } from '@envmgr/test-support';

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

export async function startMotoServer(): Promise<MotoServer> {
  const moto = await startLoopbackProcess({
    name: 'moto_server',
    command: 'moto_server',
    args: (port) => ['-H', '127.0.0.1', '-p', String(port)],
    isUp: async (endpoint) => {
      const probe = testS3Client(endpoint);
      try {
        await probe.send(new ListBucketsCommand({}));
        return true;
      } finally {
        probe.destroy();
      }
    },
  });
  return { endpoint: moto.endpoint, client: () => testS3Client(moto.endpoint), stop: () => moto.stop() };
}
