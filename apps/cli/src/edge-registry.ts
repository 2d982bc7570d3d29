import { DependencyUnavailableError, isRegistryName, type NginxSource } from '@envmgr/domain';

/** One passing instance of a registry service, as nginx addresses it. */
export interface RegistryEndpoint {
  address: string;
  port: number;
}

export type JsonFetch = (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** The registry names the upstreams' hosts use (those without a dot). */
export function registryNamesOf(source: NginxSource): string[] {
  const names = new Set<string>();
  for (const u of source.upstreams) {
    const value = u['Value'];
    const hosts = value !== null && typeof value === 'object' && !Array.isArray(value) ? value['Hosts'] : undefined;
    for (const h of Array.isArray(hosts) ? hosts : []) {
      const dns = h !== null && typeof h === 'object' && !Array.isArray(h) ? h['DnsName'] : undefined;
      if (typeof dns === 'string' && isRegistryName(dns)) names.add(dns);
    }
  }
  return [...names].sort();
}

interface HealthEntry {
  Node?: { Address?: unknown };
  Service?: { Address?: unknown; Port?: unknown };
}

/**
 * The passing instances of each name, from a registry's Consul HTTP API (`GET /v1/health/service/<name>?passing`:
 * EM's built-in registry or Consul), as consul-template gave nginx its servers in EM's set-up. Throws when the
 * registry cannot be read, so that the edge keeps what nginx serves and tries again.
 */
export async function readRegistryEndpoints(fetchJson: JsonFetch, registry: string, names: readonly string[]): Promise<Map<string, RegistryEndpoint[]>> {
  const base = registry.replace(/\/+$/, '');
  const out = new Map<string, RegistryEndpoint[]>();
  await Promise.all(
    names.map(async (name) => {
      const res = await fetchJson(`${base}/v1/health/service/${encodeURIComponent(name)}?passing`);
      if (!res.ok) throw new DependencyUnavailableError(`the registry at ${base} answered ${res.status} for service ${name}`, { registry: base, service: name, status: res.status });
      const body = await res.json();
      const endpoints = (Array.isArray(body) ? (body as HealthEntry[]) : []).flatMap((e) => {
        const address = typeof e.Service?.Address === 'string' && e.Service.Address !== '' ? e.Service.Address : e.Node?.Address;
        const port = e.Service?.Port;
        return typeof address === 'string' && typeof port === 'number' ? [{ address, port }] : [];
      });
      out.set(name, endpoints);
    }),
  );
  return out;
}
