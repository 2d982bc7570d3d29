import type { HealthCheck, Registry, ServiceHealth, ServiceRegistration } from './registry.js';

// Shared fixtures of the Registry contract suite (test code: only the *.contract.ts files use them).

/** A client of the registry acting as one node, with the name and address the registry knows it by. */
export interface RegistryNodeClient {
  registry: Registry;
  node: string;
  address: string;
}

export interface RegistryFixture {
  /** A client acting as node A of a fresh, empty registry. */
  a: RegistryNodeClient;
  /** A client of the same registry acting as another node B (node name and address differ from A's). */
  b: RegistryNodeClient;
  dispose(): Promise<void>;
}

/** A TTL short enough to expire within a test, long enough not to expire between two calls. */
export const SHORT_TTL_MS = 400;
/** Blocking waits in tests: long enough to see a wake-up come first, short enough to keep tests quick. */
export const WAIT_MS = 400;

export const webOn = (id: string, port: number, extra: Partial<ServiceRegistration> = {}): ServiceRegistration => ({
  id,
  name: 'dev-web',
  tags: ['version:1.0.0'],
  port,
  meta: { deployment_id: 'd-1' },
  checks: [{ type: 'ttl', id: `${id}:health`, name: 'health', ttlMs: 60_000 }],
  ...extra,
});

export const checkOf = (checks: HealthCheck[], id: string): HealthCheck | undefined => checks.find((c) => c.checkId === id);
export const nodesOf = (entries: ServiceHealth[]): string[] => entries.map((e) => e.node.node);
export const timed = async <T>(work: Promise<T>): Promise<{ result: T; ms: number }> => {
  const start = performance.now();
  const result = await work;
  return { result, ms: performance.now() - start };
};
export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
