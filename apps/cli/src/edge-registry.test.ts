import { describe, expect, it } from 'vitest';
import { readRegistryEndpoints, registryNamesOf } from './edge-registry.js';

describe('envmgr edge --registry', () => {
  const source = {
    group: 'Dev',
    lbSettings: [],
    upstreams: [{ Value: { Hosts: [{ DnsName: 'dev1-Hello-blue', Port: 1 }, { DnsName: 'static.example.com', Port: 2 }, { DnsName: 'dev1-Hello-green', Port: 3 }] } }],
  };

  it('asks the registry for the passing instances of each registry name the hosts use', async () => {
    expect(registryNamesOf(source)).toEqual(['dev1-Hello-blue', 'dev1-Hello-green']);
    const asked: string[] = [];
    const endpoints = await readRegistryEndpoints(
      async (url) => {
        asked.push(url);
        const body = url.includes('blue') ? [{ Node: { Address: '10.0.0.1' }, Service: { Address: '', Port: 41000 } }, { Node: { Address: '10.0.0.2' }, Service: { Address: '127.0.0.2', Port: 41001 } }] : [];
        return { ok: true, status: 200, json: async () => body };
      },
      'http://127.0.0.1:8500/',
      registryNamesOf(source),
    );
    expect(asked.sort()).toEqual(['http://127.0.0.1:8500/v1/health/service/dev1-Hello-blue?passing', 'http://127.0.0.1:8500/v1/health/service/dev1-Hello-green?passing']);
    expect(Object.fromEntries(endpoints)).toEqual({ 'dev1-Hello-blue': [{ address: '10.0.0.1', port: 41000 }, { address: '127.0.0.2', port: 41001 }], 'dev1-Hello-green': [] });
  });

  it('fails when the registry does not answer, so the edge keeps what nginx serves', async () => {
    await expect(readRegistryEndpoints(async () => ({ ok: false, status: 500, json: async () => null }), 'http://r', ['a'])).rejects.toThrow(/answered 500 for service a/);
  });
});
