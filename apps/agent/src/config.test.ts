import { describe, expect, it } from 'vitest';
import { loadAgentConfig } from './config.js';

const ENV = {
  PATH: '/usr/bin',
  EM_INSTANCE_ID: 'i-1',
  EM_INSTANCE_DIR: '/data/instances/i-1',
  EM_PRIVATE_ADDRESS: '127.0.0.1',
  EM_PORTS_FIRST: '40000',
  EM_PORTS_LAST: '40019',
  EM_TAG_Environment: 'c50',
  EM_TAG_EnvironmentType: 'Cluster',
  EM_TAG_Role: 'Web',
  EM_TAG_OwningCluster: 'Infra',
  ENVMGR_REGISTRY_URL: 'http://127.0.0.1:8500/',
  ENVMGR_SERVER: 'http://127.0.0.1:8080',
  ENVMGR_TOKEN: 'secret',
};

describe('loadAgentConfig', () => {
  it('reads the identity, endpoints and defaults, and keeps tokens out of the hook environment', () => {
    const r = loadAgentConfig(ENV, 'linux');
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.config).toMatchObject({
      identity: { instanceId: 'i-1', environment: 'c50', environmentType: 'Cluster', role: 'Web', owningCluster: 'Infra' },
      instanceDir: '/data/instances/i-1',
      privateAddress: '127.0.0.1',
      registry: { url: 'http://127.0.0.1:8500' },
      server: { url: 'http://127.0.0.1:8080', token: 'secret' },
      portBlock: { first: 40000, last: 40019 },
      filesRoot: '/data/instances/i-1/root',
      platform: 'linux',
      watchWaitMs: 300_000,
      minFreeDiskMb: 2048,
    });
    expect(r.config.hookBaseEnv.ENVMGR_TOKEN).toBeUndefined();
    expect(r.config.hookBaseEnv.PATH).toBe('/usr/bin');
    expect(Object.isFrozen(r.config)).toBe(true);
  });

  it.each([
    ['EM_TAG_Role', 'EM_TAG_Role is not set'],
    ['EM_TAG_OwningCluster', 'EM_TAG_OwningCluster is not set'],
    ['EM_INSTANCE_ID', 'EM_INSTANCE_ID is not set'],
    ['ENVMGR_REGISTRY_URL', 'ENVMGR_REGISTRY_URL is not set'],
  ])('names a missing %s', (name, message) => {
    const r = loadAgentConfig({ ...ENV, [name]: undefined }, 'linux');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([expect.stringContaining(message)]);
  });

  it('lists every problem together', () => {
    const r = loadAgentConfig({ ENVMGR_SERVER: 'ftp://x', EM_PORTS_FIRST: '10', EM_PORTS_LAST: '5', ENVMGR_AGENT_WATCH_WAIT_MS: 'soon' }, 'linux');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toHaveLength(11);
      expect(r.problems).toEqual(
        expect.arrayContaining([
          "ENVMGR_SERVER must be an http(s) URL; got 'ftp://x'",
          "EM_PORTS_FIRST and EM_PORTS_LAST must be ports with FIRST < LAST; got '10' and '5'",
          "ENVMGR_AGENT_WATCH_WAIT_MS must be a positive whole number; got 'soon'",
        ]),
      );
    }
  });

  it('uses the definition ports when there is no port block, and a given files root', () => {
    const r = loadAgentConfig({ ...ENV, EM_PORTS_FIRST: undefined, EM_PORTS_LAST: undefined, ENVMGR_AGENT_FILES_ROOT: '/' }, 'linux');
    expect(r.ok && r.config.portBlock).toBe(undefined);
    expect(r.ok && r.config.filesRoot).toBe('/');
  });
});
