import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { allocatePorts, canBind } from './port-pool.js';

const pool = { range: { first: 100, last: 159 }, perInstance: 20 };
const free = async (): Promise<boolean> => true;

describe('port pool', () => {
  it('hands out the lowest block that overlaps no held block', async () => {
    expect(await allocatePorts(pool, [], free)).toEqual({ first: 100, last: 119 });
    expect(await allocatePorts(pool, [{ first: 100, last: 119 }], free)).toEqual({ first: 120, last: 139 });
    expect(await allocatePorts(pool, [{ first: 125, last: 125 }], free)).toEqual({ first: 100, last: 119 });
    expect(await allocatePorts(pool, [{ first: 100, last: 119 }, { first: 130, last: 130 }], free)).toEqual({ first: 140, last: 159 });
  });

  it('skips a block in which something else already listens, and says when none is left', async () => {
    const busy = async (port: number): Promise<boolean> => port !== 105;
    expect(await allocatePorts(pool, [], busy)).toEqual({ first: 120, last: 139 });
    expect(await allocatePorts(pool, [{ first: 100, last: 159 }], free)).toBeUndefined();
    expect(await allocatePorts({ range: { first: 100, last: 110 }, perInstance: 20 }, [], free)).toBeUndefined();
  });

  it('probes loopback ports for real', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      expect(await canBind(port)).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await canBind(port)).toBe(true);
  });
});
