import { describe, expect, it } from 'vitest';
import type { JsonObject, NginxSource } from '@envmgr/domain';
import { runEdgeLoop } from './edge-loop.js';
import type { ApplyOutcome } from './edge-nginx.js';
import type { ChangeFeed } from './edge-source.js';
import { cliHarness, type FakeAnswer, type SeenRequest } from './test-harness.js';

const UPSTREAM: JsonObject = {
  key: '/c50_c50-hello/config',
  Value: { EnvironmentName: 'c50', UpstreamName: 'c50-hello', ServiceName: 'Hello', Hosts: [{ DnsName: 'c50-Hello-blue', Port: 40100, State: 'up' }, { DnsName: 'c50-Hello-green', Port: 40101, State: 'down' }] },
  Version: 5,
};
const vhost = (value: JsonObject): JsonObject => ({ EnvironmentName: 'c50', VHostName: 'hello', Value: value, Version: 1 });
const GOOD = vhost({ ServerName: ['hello.example.com'], Locations: [{ Path: '/', ProxyPass: 'http://c50-hello' }] });

function fakeEm(lbSetting: unknown) {
  return (req: SeenRequest): FakeAnswer => {
    const env = req.query.get('environment');
    switch (`${req.method} ${req.path}`) {
      case 'GET config/environments':
        return { body: req.query.get('environmentType') === 'Cluster' ? [{ EnvironmentName: 'c50', Value: {}, Version: 1 }] : [] };
      case 'GET config/lb-settings':
        return { body: env === 'c50' ? [lbSetting] : [] };
      case 'GET config/upstreams':
        return { body: env === 'c50' ? [UPSTREAM] : [] };
      default:
        return { status: 404 };
    }
  };
}

describe('envmgr nginx render', () => {
  it('prints the rendering of the group, reading its environments, LB settings and upstreams', async () => {
    const h = cliHarness(fakeEm(GOOD));
    expect(await h.run('nginx', 'render', '--group', 'Cluster')).toBe(0);
    expect(h.stdout).toContain('upstream c50-hello {\n    server c50-Hello-blue.service.consul:40100;\n    server c50-Hello-green.service.consul:40101 down;\n}');
    expect(h.stdout).toContain('server {\n    listen 80;\n    server_name hello.example.com;\n\n    location / {\n        proxy_pass http://c50-hello;\n    }\n}\n');
    expect(h.requests.map((r) => `${r.path}?${r.query.toString()}`)).toEqual(['config/environments?environmentType=Cluster', 'config/lb-settings?environment=c50', 'config/upstreams?environment=c50']);
  });

  it('writes registry names as they are with --registry-domain ""', async () => {
    const h = cliHarness(fakeEm(GOOD));
    expect(await h.run('nginx', 'render', '--group', 'Cluster', '--registry-domain', '')).toBe(0);
    expect(h.stdout).toContain('    server c50-Hello-blue:40100;\n');
  });

  it('lists every problem with its field path and exits 1, printing no configuration', async () => {
    const h = cliHarness(fakeEm(vhost({ ServerName: ['a b'], Locations: [{ Path: '/', ProxyPass: 'http://c50-nope' }] })));
    expect(await h.run('nginx', 'render', '--group', 'Cluster')).toBe(1);
    expect(h.stdout).toBe('');
    expect(h.stderr).toContain('lb-settings c50/hello Value.ServerName.0: must be one nginx argument');
    expect(h.stderr).toContain("lb-settings c50/hello Value.Locations.0.ProxyPass: names 'c50-nope', which is not an upstream of load-balancer group Cluster");
  });

  it('refuses an environment outside the group', async () => {
    const h = cliHarness(fakeEm(GOOD));
    expect(await h.run('nginx', 'render', '--group', 'Cluster', '--env', 'w1')).toBe(2);
    expect(h.stderr).toContain("environment 'w1' is not of type 'Cluster'");
  });
});

describe('the edge loop', () => {
  const source = (lbSettings: NginxSource['lbSettings']): NginxSource => ({ group: 'Cluster', lbSettings, upstreams: [UPSTREAM] });

  /** Runs the loop over a list of reads (a thrown value fails that read) and records what it applied and logged. */
  async function loop(reads: (NginxSource | Error)[], outcome: (text: string) => ApplyOutcome = () => ({ kind: 'reloaded' })) {
    const applied: string[] = [];
    const logs: string[] = [];
    const waits: number[] = [];
    let i = 0;
    const changes: ChangeFeed = { wait: async (ms) => void waits.push(ms), isStreaming: () => true, close: () => undefined };
    await runEdgeLoop(
      {
        read: async () => {
          const r = reads[i++];
          if (r instanceof Error) throw r;
          return r ?? source([GOOD]);
        },
        apply: async (text) => {
          applied.push(text);
          return outcome(text);
        },
        changes,
        log: (l) => logs.push(l),
        isStopped: () => i >= reads.length,
      },
      { registryDomain: '', intervalMs: 30_000, once: false },
    );
    return { applied, logs, waits };
  }

  it('applies good renderings, keeps the last good one through a bad one, and backs off on read failures', async () => {
    const bad = source([vhost({ ServerName: ['a;b'] })]);
    const r = await loop([source([GOOD]), bad, bad, new Error('unreachable'), new Error('unreachable'), source([GOOD])]);
    expect(r.applied).toHaveLength(2);
    expect(r.logs.filter((l) => l.startsWith('the configuration cannot be rendered'))).toHaveLength(1);
    expect(r.logs.filter((l) => l.startsWith('could not read the configuration'))).toHaveLength(1);
    expect(r.waits).toEqual([30_000, 30_000, 30_000, 1000, 2000]);
  });

  it('logs what nginx -t said when it refuses a rendering', async () => {
    const r = await loop([source([GOOD])], () => ({ kind: 'invalid', output: 'nginx: [emerg] unknown directive "x"' }));
    expect(r.logs).toEqual(['nginx -t refused the rendering; nginx keeps the last good configuration:\n  nginx: [emerg] unknown directive "x"']);
  });
});
