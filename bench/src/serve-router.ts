import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEdgeRouter } from '@envmgr/adapter-edge-router';
import { createBuiltinRegistry } from '@envmgr/adapter-registry-builtin';
import { buildRoutingTable, readUpstream } from '@envmgr/domain';
import { announce, stopOnRequest } from './child-server.js';

/*
 * The built-in edge router for the router benchmark, as the embedded server runs it: the built-in registry holds one
 * passing instance of `bench-Hello-blue` (the instance at BENCH_INSTANCE_PORT), an upstream `bench-hello` has the
 * blue host up and the green one down, and the LB setting `bench/hello` routes `/` to it. Forked by router.ts.
 */

const instancePort = Number(process.env.BENCH_INSTANCE_PORT);
if (!Number.isInteger(instancePort) || instancePort <= 0) throw new TypeError(`BENCH_INSTANCE_PORT must be the instance's port, not '${process.env.BENCH_INSTANCE_PORT}'`);

// (not em-deps' tempDir: importing it loads EM's whole HTTP app into the router's process)
const dir = await mkdtemp(join(tmpdir(), 'envmgr-bench-router-'));
const registry = createBuiltinRegistry({ path: join(dir, 'registry.db') });
const node = registry.asNode({ name: 'i-0bench0000000000', address: '127.0.0.1' });
await node.registerService({ id: 'bench-Hello-blue', name: 'bench-Hello-blue', address: '127.0.0.1', port: instancePort, checks: [{ type: 'ttl', id: 'bench-Hello-blue:health', ttlMs: 3_600_000 }] });
await node.passCheck('bench-Hello-blue:health');

const upstream = readUpstream({
  key: '/bench_bench-hello/config',
  version: 1,
  data: {
    Value: {
      EnvironmentName: 'bench',
      UpstreamName: 'bench-hello',
      ServiceName: 'Hello',
      Hosts: [
        { DnsName: 'bench-Hello-blue', Port: 40100, State: 'up' },
        { DnsName: 'bench-Hello-green', Port: 40101, State: 'down' },
      ],
    },
  },
});
const table = buildRoutingTable({
  services: [{ ServiceName: 'Hello', Value: { BluePort: 40100, GreenPort: 40101 } }],
  upstreams: upstream ? [upstream] : [],
  lbSettings: [{ EnvironmentName: 'bench', VHostName: 'hello', Value: { ServerName: ['hello.bench.example.com'], Locations: [{ Path: '/', ProxyPass: 'http://bench-hello' }] } }],
});

const router = await createEdgeRouter({ registry, port: 0, loadRoutes: async () => table, subscribeToChanges: () => () => undefined });
announce(router.port);

stopOnRequest(async () => {
  await router.close();
  await registry.close();
  await rm(dir, { recursive: true, force: true });
});
