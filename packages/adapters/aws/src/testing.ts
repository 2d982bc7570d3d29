import { spawnSync } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startLoopbackProcess } from '@envmgr/test-support';

/** Whether the moto server is installed; tests that need it skip with a warning otherwise. */
export function hasMotoServer(): boolean {
  return spawnSync('sh', ['-c', 'command -v moto_server'], { stdio: 'ignore' }).status === 0;
}

export const MOTO_MISSING = 'moto_server is missing (pip install "moto[server]"; .ci/run installs it)';

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}


/**
 * Python path that makes moto's Auto Scaling honour suspended processes as AWS does (see the file for what exactly);
 * the Compute contract needs it.
 */
const MOTO_FIDELITY_DIR = fileURLToPath(new URL('../moto-fidelity', import.meta.url));

/**
 * Starts `moto_server` on a free loopback port and waits until it answers. With `asgFidelity`, moto's Auto Scaling
 * is patched to honour suspended Launch/Terminate processes and to catch up on resume (moto-fidelity/sitecustomize.py).
 */
export async function startMotoServer(opts: { asgFidelity?: boolean } = {}): Promise<MotoServer> {
  const env = opts.asgFidelity ? { ...process.env, PYTHONPATH: [MOTO_FIDELITY_DIR, process.env['PYTHONPATH']].filter(Boolean).join(':') } : process.env;
  const moto = await startLoopbackProcess({
    name: 'moto_server',
    command: 'moto_server',
    args: (port) => ['-H', '127.0.0.1', '-p', String(port)],
    env,
    timeoutMs: 30_000,
    isUp: async (endpoint) => (await fetch(`${endpoint}/moto-api/`)).ok,
  });
  return { endpoint: moto.endpoint, stop: () => moto.stop() };
}

/** Options for SDK clients pointed at moto, with fixed test keys and no retries (failures show at once). */
export function motoClientConfig(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto' }) {
  return { endpoint, region: 'eu-west-1', credentials, maxAttempts: 1 };
}

/**
 * A loopback proxy in front of moto that refuses AssumeRole into the roles of `refusedAccount` as STS does when a
 * role does not trust the caller (moto itself lets anyone assume anything).
 */
export async function startRefusingStsProxy(target: string, refusedAccount: string): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = decodeURIComponent(body.toString('utf8'));
      if (text.includes('Action=AssumeRole') && text.includes(`:iam::${refusedAccount}:role/`)) {
        res.writeHead(403, { 'content-type': 'text/xml' });
        res.end(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform: sts:AssumeRole</Message></Error><RequestId>r1</RequestId></ErrorResponse>`);
        return;
      }
      const url = new URL(req.url ?? '/', target);
      const forward = request(url, { method: req.method, headers: req.headers }, (up: IncomingMessage) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export { MOTO_CHILDREN, MOTO_MASTER, motoAccountClients, motoGroupMembers, motoCredentials, prepareMotoAccount, TEST_IMAGE } from './compute/moto-estate.js';
