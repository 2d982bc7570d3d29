import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryConfigStore } from '@envmgr/adapter-memory';
import { ForbiddenError, InvalidPackageError, NotFoundError, PackageExistsError, PayloadTooLargeError, ValidationError, type Actor, type JsonObject } from '@envmgr/domain';
import type { ArchiveContents, ConfigStore, PackageInspector, PackageStore } from '@envmgr/ports';
import { createMemoryPackageStore } from '@envmgr/ports/testing';
import { aService, anEnvironment } from '@envmgr/test-support';
import { checkPackageUpload, downloadPackage, listPackageVersions, resolvePackage, uploadPackage } from './packages.js';
import type { PackageDeps } from './package-deps.js';

const admin: Actor = { name: 'alice', kind: 'user', user: 'alice', permissions: [{ Resource: '**', Access: 'ADMIN' }] };
const deployerOf = (cluster: string): Actor => ({ name: 'bob', kind: 'user', user: 'bob', permissions: [{ Resource: '/packages/**', Access: 'PUT', Clusters: [cluster] }] });
const anonymous: Actor = { name: 'anonymous', kind: 'anonymous', permissions: [] };

const VALID: ArchiveContents = {
  isReadable: true,
  entries: ['appspec.yml', 'hooks/', 'hooks/start.sh'],
  documents: { 'appspec.yml': { ok: true, value: { os: 'linux', hooks: { ApplicationStart: [{ location: 'hooks/start.sh' }] } } } },
};

/** An inspector that reads the body to its end (as the real one does) and reports `contents`. */
function fakeInspector(contents: ArchiveContents) {
  const seen = { staged: 0, discarded: 0, documents: [] as readonly string[] };
  const inspector: PackageInspector = {
    async stage(body, opts) {
      const chunks: Uint8Array[] = [];
      for await (const c of body) chunks.push(c);
      seen.staged++;
      seen.documents = opts.documents;
      return {
        sizeBytes: chunks.reduce((n, c) => n + c.length, 0),
        contents,
        open: async function* () {
          yield* chunks;
        },
        discard: async () => void seen.discarded++,
      };
    },
  };
  return { inspector, seen };
}

// ASCII only: app compiles without the DOM or Node libraries, so TextEncoder is not declared here
async function* body(text: string): AsyncGenerator<Uint8Array> {
  yield Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}
async function readText(it: AsyncIterable<Uint8Array>): Promise<string> {
  let s = '';
  for await (const c of it) s += String.fromCharCode(...c);
  return s;
}

async function seed(store: ConfigStore, type: 'services' | 'environments', data: JsonObject, key: string) {
  await store.commit([{ op: 'create', type, key, data, references: [], indexes: {}, uniques: [] }], { actor: 'seed', requestId: 'r', at: '2026-01-01T00:00:00Z' });
}

describe('package use cases', () => {
  let config: ConfigStore;
  let packages: PackageStore;
  let deps: PackageDeps;
  let seen: ReturnType<typeof fakeInspector>['seen'];
  const use = (contents: ArchiveContents) => {
    const f = fakeInspector(contents);
    seen = f.seen;
    deps = { ...deps, inspector: f.inspector };
  };

  beforeEach(async () => {
    config = createMemoryConfigStore();
    packages = createMemoryPackageStore();
    await seed(config, 'services', aService('Hello'), 'Hello');
    await seed(config, 'environments', anEnvironment('c50'), 'c50');
    const f = fakeInspector(VALID);
    seen = f.seen;
    deps = { config: { store: config }, packages, inspector: f.inspector, maxPackageBytes: 1000 };
  });

  it('stores a valid package and returns its checksum; the staged copy is discarded', async () => {
    const up = await uploadPackage(deps, admin, { ref: { service: 'Hello', version: '1.0.0' }, body: body('zip bytes') });
    expect(up).toMatchObject({ ref: { service: 'Hello', version: '1.0.0' }, sizeBytes: 9 });
    expect(up.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(seen.documents).toEqual(['appspec.yml', 'healthchecks/consul/healthchecks.yml']);
    expect(seen.discarded).toBe(1);
    const down = await downloadPackage(deps, admin, { service: 'Hello', version: '1.0.0' });
    expect(await readText(down.body)).toBe('zip bytes');
    expect(down.info.sha256).toBe(up.sha256);
  });

  it('refuses an invalid archive with every problem, and stores nothing', async () => {
    use({ isReadable: true, entries: ['appspec.yml'], documents: { 'appspec.yml': { ok: true, value: { os: 'beos', hooks: { ApplicationStart: [{ location: 'start.sh' }] } } } } });
    const err = await uploadPackage(deps, admin, { ref: { service: 'Hello', version: '1.0.0' }, body: body('x') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidPackageError);
    expect((err as InvalidPackageError).errors.map((e) => e.path)).toEqual(['appspec.yml:os', 'appspec.yml:hooks.ApplicationStart.0.location']);
    expect((err as Error).message).toMatch(/^package Hello 1\.0\.0 is not a valid package: appspec\.yml:os: must be one of linux, windows; got "beos" \(and 1 more problem\)$/);
    expect(await packages.stat({ service: 'Hello', version: '1.0.0' })).toBeUndefined();
    expect(seen.discarded).toBe(1);
  });

  it('refuses an unknown service or environment with 404 naming it, before reading the body', async () => {
    await expect(uploadPackage(deps, admin, { ref: { service: 'Nope', version: '1.0.0' }, body: body('x') })).rejects.toThrow("service 'Nope' does not exist");
    await expect(uploadPackage(deps, admin, { ref: { service: 'Hello', version: '1.0.0', environment: 'zz9' }, body: body('x') })).rejects.toThrow(
      "environment 'zz9' does not exist",
    );
    await expect(listPackageVersions(deps, admin, 'Nope')).rejects.toBeInstanceOf(NotFoundError);
    expect(seen.staged).toBe(0);
  });

  it('refuses a version that is not semver', async () => {
    await expect(uploadPackage(deps, admin, { ref: { service: 'Hello', version: 'latest' }, body: body('x') })).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses an existing version with 409 before reading the body', async () => {
    await uploadPackage(deps, admin, { ref: { service: 'Hello', version: '1.0.0' }, body: body('first') });
    await expect(uploadPackage(deps, admin, { ref: { service: 'Hello', version: '1.0.0' }, body: body('second') })).rejects.toBeInstanceOf(PackageExistsError);
    expect(seen.staged).toBe(1);
    await expect(checkPackageUpload(deps, admin, { service: 'Hello', version: '1.0.0' })).rejects.toBeInstanceOf(PackageExistsError);
  });

  it('refuses a package over the limit, announced or not', async () => {
    await expect(uploadPackage(deps, admin, { ref: { service: 'Hello', version: '1.0.0' }, body: body('x'), declaredSizeBytes: 1001 })).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    expect(seen.staged).toBe(0);
    await expect(uploadPackage(deps, admin, { ref: { service: 'Hello', version: '1.0.0' }, body: body('x'.repeat(1001)) })).rejects.toMatchObject({
      code: 'too-large',
      details: { limitBytes: 1000 },
    });
    expect(await packages.stat({ service: 'Hello', version: '1.0.0' })).toBeUndefined();
  });

  it("needs permission to PUT the package in the service's cluster", async () => {
    const ref = { service: 'Hello', version: '1.0.0' };
    await expect(uploadPackage(deps, deployerOf('Other'), { ref, body: body('x') })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(uploadPackage(deps, anonymous, { ref, body: body('x') })).rejects.toMatchObject({ code: 'login-required' });
    await expect(uploadPackage(deps, deployerOf('Infra'), { ref, body: body('x') })).resolves.toMatchObject({ sizeBytes: 1 });
  });

  it('keeps packages per environment apart, and resolves a deployment to the environment’s own package first', async () => {
    await uploadPackage(deps, admin, { ref: { service: 'Hello', version: '1.0.0' }, body: body('generic') });
    expect((await resolvePackage(deps, { service: 'Hello', version: '1.0.0', environment: 'c50' })).ref).toEqual({ service: 'Hello', version: '1.0.0' });
    await uploadPackage(deps, admin, { ref: { service: 'Hello', version: '1.0.0', environment: 'c50' }, body: body('for c50') });
    expect((await resolvePackage(deps, { service: 'Hello', version: '1.0.0', environment: 'c50' })).ref).toEqual({ service: 'Hello', version: '1.0.0', environment: 'c50' });
    await expect(resolvePackage(deps, { service: 'Hello', version: '2.0.0', environment: 'c50' })).rejects.toThrow(
      "package 'Hello 2.0.0 (c50)' or 'Hello 2.0.0' does not exist",
    );
  });

  it('lists versions in semver order', async () => {
    for (const v of ['1.10.0', '1.2.0', '1.2.0-beta.1']) await uploadPackage(deps, admin, { ref: { service: 'Hello', version: v }, body: body(v) });
    expect((await listPackageVersions(deps, admin, 'Hello')).map((p) => p.version)).toEqual(['1.2.0-beta.1', '1.2.0', '1.10.0']);
  });

  it('answers 404 for a missing package download, and needs a signed-in caller', async () => {
    await expect(downloadPackage(deps, admin, { service: 'Hello', version: '9.9.9' })).rejects.toThrow("package 'Hello 9.9.9' does not exist");
    await expect(downloadPackage(deps, anonymous, { service: 'Hello', version: '9.9.9' })).rejects.toMatchObject({ code: 'login-required' });
  });
});
