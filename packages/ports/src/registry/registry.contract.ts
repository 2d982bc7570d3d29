import { afterEach, beforeEach, describe } from 'vitest';
import type { RegistryFixture } from './registry-fixtures.contract.js';
import { registryCatalogCases } from './registry-catalog.contract.js';
import { registryKvCases } from './registry-kv.contract.js';

export type { RegistryFixture, RegistryNodeClient } from './registry-fixtures.contract.js';

/**
 * The behaviour every Registry adapter shares, in Consul's semantics. Call it from each adapter's
 * `*.contract.test.ts` with a fresh, empty registry per test and two clients of it acting as two nodes. It uses
 * real time with short TTLs and waits (under 1 s per test): KV cases in registry-kv.contract.ts, catalog, health
 * and agent cases in registry-catalog.contract.ts.
 */
export function registryContract(name: string, setup: () => Promise<RegistryFixture>): void {
  describe(`Registry contract: ${name}`, () => {
    let f: RegistryFixture;
    beforeEach(async () => {
      f = await setup();
    });
    afterEach(() => f.dispose());

    registryKvCases(() => f);
    registryCatalogCases(() => f);
  });
}
