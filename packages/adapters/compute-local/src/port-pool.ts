import { createServer } from 'node:net';
import type { PortRange } from '@envmgr/ports';

export interface PortPoolOptions {
  /** Ports handed out to instances, both ends included. @default { first: 41000, last: 49999 } */
  range: PortRange;
  /** Size of each instance's block. @default 20 */
  perInstance: number;
}

export const DEFAULT_PORT_POOL: PortPoolOptions = { range: { first: 41000, last: 49999 }, perInstance: 20 };

/** Tells whether a loopback port can be bound right now. */
export type PortProbe = (port: number) => Promise<boolean>;

/**
 * The lowest block of `perInstance` ports that overlaps no block in `held` and whose ports can all be bound on
 * 127.0.0.1 now (something else on the machine may use part of the range); undefined when none is left.
 */
export async function allocatePorts(pool: PortPoolOptions, held: readonly PortRange[], probe: PortProbe = canBind): Promise<PortRange | undefined> {
  for (let first = pool.range.first; first + pool.perInstance - 1 <= pool.range.last; first += pool.perInstance) {
    const block = { first, last: first + pool.perInstance - 1 };
    if (held.some((h) => h.first <= block.last && block.first <= h.last)) continue;
    const ports = Array.from({ length: pool.perInstance }, (_, i) => first + i);
    if ((await Promise.all(ports.map(probe))).every(Boolean)) return block;
  }
  return undefined;
}

export function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
