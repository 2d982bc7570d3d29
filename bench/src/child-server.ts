import { fork, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';
import { BenchFailure } from './report.js';

/*
 * The server under test runs in a child process and the load generator in the parent: on two cores, autocannon in
 * the server's own event loop would steal the time it is measuring. The child reports its port over the IPC
 * channel; the parent stops it with a 'stop' message, and the child also stops when the channel closes, so it never
 * outlives a crashed parent.
 */

interface Listening {
  kind: 'listening';
  port: number;
  /** Figures the child measured while preparing (e.g. how long seeding took), in ms. */
  setup: Record<string, number>;
}

/** Child side: tells the parent the port it listens on. */
export function announce(port: number, setup: Record<string, number> = {}): void {
  const message: Listening = { kind: 'listening', port, setup };
  process.stdout.write(`${basename(process.argv[1] ?? 'server')}: listening on 127.0.0.1:${port}\n`);
  process.send?.(message);
}

/** Child side: runs `cleanup` and exits when the parent says stop or goes away. */
export function stopOnRequest(cleanup: () => Promise<void>): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void cleanup().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`cleanup failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('message', (m) => {
    if (m === 'stop') stop();
  });
  process.on('disconnect', stop);
}

export interface ChildServer {
  port: number;
  setup: Record<string, number>;
  stop(): Promise<void>;
}

/** Parent side: forks `script` and resolves once it listens. */
export function startServer(script: string, timeoutMs = 180_000): Promise<ChildServer> {
  const child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const name = basename(script);
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new BenchFailure(`${name} exited (code ${code}) before it listened`));
    };
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      child.kill('SIGKILL');
      reject(new BenchFailure(`${name} did not report a port within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', onExit);
    child.on('message', (m) => {
      if (!isListening(m)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({ port: m.port, setup: m.setup, stop: () => stopChild(child) });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.send('stop');
  });
}

function isListening(m: unknown): m is Listening {
  return typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'listening' && typeof (m as { port?: unknown }).port === 'number';
}
