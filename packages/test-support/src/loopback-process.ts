import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';

/** A free TCP port on 127.0.0.1 (free when asked; a test binds it at once). */
export async function freeLoopbackPort(): Promise<number> {
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

export interface LoopbackProcess {
  port: number;
  endpoint: string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts a throwaway server program for a test (DynamoDB Local, the moto server) on a free loopback port and waits
 * until `isUp` says it answers; a program that exits or does not answer in time fails with the end of its stderr.
 */
export async function startLoopbackProcess(p: {
  name: string;
  command: string;
  args: (port: number) => string[];
  isUp: (endpoint: string) => Promise<boolean>;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<LoopbackProcess> {
  const port = await freeLoopbackPort();
  const child: ChildProcess = spawn(p.command, p.args(port), { stdio: ['ignore', 'ignore', 'pipe'], ...(p.cwd ? { cwd: p.cwd } : {}), ...(p.env ? { env: p.env } : {}) });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const until = Date.now() + (p.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new TypeError(`${p.name} exited with ${child.exitCode}: ${stderr}`);
    if (await p.isUp(endpoint).catch(() => false)) return { port, endpoint, stop };
    if (Date.now() > until) {
      await stop();
      throw new TypeError(`${p.name} did not answer within ${Math.round((p.timeoutMs ?? 60_000) / 1000)} s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
