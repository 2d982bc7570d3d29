import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZipPackageInspector } from './zip-inspector.js';

// An archive made by `zip -9` (Info-ZIP 3.0): appspec.yml ("os: linux" and a long comment, deflated) and an empty
// hooks/start.sh (stored).
const ZIP = Buffer.from(
  'UEsDBBQAAgAIAABed10zZtuqEQAAANQAAAALAAAAYXBwc3BlYy55bWzLL7ZSyMnMK63gUq4YJoALAFBLAwQKAAAAAAD7XXddAAAAAAAAAAAAAAAADgAAAGhvb2tzL3N0YXJ0LnNoUEsBAh4DFAACAAgAAF53XTNm26oRAAAA1AAAAAsAAAAAAAAAAQAAAKSBAAAAAGFwcHNwZWMueW1sUEsBAh4DCgAAAAAA+113XQAAAAAAAAAAAAAAAA4AAAAAAAAAAAAAAKSBOgAAAGhvb2tzL3N0YXJ0LnNoUEsFBgAAAAACAAIAdQAAAGYAAAAAAA==',
  'base64',
);

async function* body(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* parts;
}

describe('zip package inspector', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'envmgr-inspect-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lists the entries and parses the documents asked for (deflated ones too); discard removes the staged file', async () => {
    const staged = await createZipPackageInspector({ stagingDir: dir }).stage(body(ZIP.subarray(0, 50), ZIP.subarray(50)), { documents: ['appspec.yml', 'missing.yml'] });
    expect(staged.sizeBytes).toBe(ZIP.length);
    expect(staged.contents).toEqual({ isReadable: true, entries: ['appspec.yml', 'hooks/start.sh'], documents: { 'appspec.yml': { ok: true, value: { os: 'linux' } } } });
    const chunks: Uint8Array[] = [];
    for await (const c of staged.open()) chunks.push(c);
    expect(Buffer.concat(chunks).equals(ZIP)).toBe(true);
    await staged.discard();
    await staged.discard();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a document larger than the limit without reading it', async () => {
    const staged = await createZipPackageInspector({ stagingDir: dir, maxDocumentBytes: 5 }).stage(body(ZIP), { documents: ['appspec.yml'] });
    expect(staged.contents).toMatchObject({ documents: { 'appspec.yml': { ok: false, reason: 'it is larger than 5 bytes' } } });
    await staged.discard();
  });

  it('removes the staged file when the body fails, and rethrows', async () => {
    async function* cut(): AsyncGenerator<Uint8Array> {
      yield ZIP.subarray(0, 10);
      throw new TypeError('client went away');
    }
    await expect(createZipPackageInspector({ stagingDir: dir }).stage(cut(), { documents: [] })).rejects.toThrow('client went away');
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a truncated archive as unreadable', async () => {
    const staged = await createZipPackageInspector({ stagingDir: dir }).stage(body(ZIP.subarray(0, ZIP.length - 30)), { documents: [] });
    expect(staged.contents.isReadable).toBe(false);
    await staged.discard();
  });
});

describe('zip package inspector: crash leftovers', () => {
  it('removes staged files older than a day when it starts, and keeps recent ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'envmgr-inspect-'));
    try {
      await writeFile(join(dir, 'old.zip'), 'x');
      await writeFile(join(dir, 'recent.zip'), 'x');
      const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
      await utimes(join(dir, 'old.zip'), dayAgo, dayAgo);
      const staged = await createZipPackageInspector({ stagingDir: dir }).stage(body(ZIP), { documents: [] });
      await staged.discard();
      expect(await readdir(dir)).toEqual(['recent.zip']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
