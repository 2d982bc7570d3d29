import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArchiveContents, PackageInspector, ParsedDocument } from '@envmgr/ports';
import { parse } from 'yaml';
import yauzl from 'yauzl';

export interface ZipInspectorOptions {
  /** Where uploads are staged while they are inspected; best on the same disk as the package store. */
  stagingDir: string;
  /** Largest YAML document read from an archive. @default 1 MiB */
  maxDocumentBytes?: number;
  /** Most entries an archive may have. @default 100000 */
  maxEntries?: number;
}

/**
 * The PackageInspector of the HTTP layer: stages an upload in a file (a zip's directory is at its end, so it cannot
 * be judged while it streams in), then reads its directory and YAML documents with yauzl. yauzl refuses entries
 * with absolute paths or `..` (zip-slip), which makes such an archive unreadable here rather than dangerous on an
 * instance later.
 */
export function createZipPackageInspector(opts: ZipInspectorOptions): PackageInspector {
  const maxDocumentBytes = opts.maxDocumentBytes ?? 1024 * 1024;
  const maxEntries = opts.maxEntries ?? 100_000;
  let ready: Promise<void> | undefined;
  return {
    async stage(body, { documents }) {
      await (ready ??= mkdir(opts.stagingDir, { recursive: true }).then(() => removeStale(opts.stagingDir)));
      const path = join(opts.stagingDir, `${randomUUID()}.zip`);
      let sizeBytes = 0;
      const counted = async function* () {
        for await (const chunk of body) {
          sizeBytes += chunk.length;
          yield chunk;
        }
      };
      try {
        await pipeline(Readable.from(counted()), createWriteStream(path, { flags: 'wx' }));
      } catch (err) {
        await rm(path, { force: true });
        throw err;
      }
      const contents = sizeBytes === 0 ? unreadable('the upload is empty') : await inspect(path, documents, { maxDocumentBytes, maxEntries });
      return {
        sizeBytes,
        contents,
        open: () => createReadStream(path) as AsyncIterable<Uint8Array>,
        discard: () => rm(path, { force: true }),
      };
    },
  };
}

const STALE_MS = 24 * 60 * 60 * 1000;

/** Staged uploads left by a crash (a live upload writes all the time; an inspected one is discarded at once). */
async function removeStale(dir: string): Promise<void> {
  const cutoff = Date.now() - STALE_MS;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (s?.isFile() && s.mtimeMs < cutoff) await rm(join(dir, name), { force: true });
  }
}

const unreadable = (reason: string): ArchiveContents => ({ isReadable: false, reason });

async function inspect(path: string, documents: readonly string[], limits: { maxDocumentBytes: number; maxEntries: number }): Promise<ArchiveContents> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
  } catch (err) {
    return unreadable(reasonOf(err));
  }
  try {
    const entries: string[] = [];
    const found: Record<string, ParsedDocument> = {};
    for await (const entry of zip.eachEntry()) {
      if (entries.length >= limits.maxEntries) return unreadable(`it has more than ${limits.maxEntries} entries`);
      if (entry.isEncrypted()) return unreadable(`'${entry.fileName}' is encrypted; packages must not be`);
      entries.push(entry.fileName);
      if (documents.includes(entry.fileName)) found[entry.fileName] = await readDocument(zip, entry, limits.maxDocumentBytes);
    }
    return { isReadable: true, entries, documents: found };
  } catch (err) {
    return unreadable(reasonOf(err));
  } finally {
    zip.close();
  }
}

async function readDocument(zip: yauzl.ZipFile, entry: yauzl.Entry, maxBytes: number): Promise<ParsedDocument> {
  if (entry.uncompressedSize > maxBytes) return { ok: false, reason: `it is larger than ${maxBytes} bytes` };
  const chunks: Buffer[] = [];
  for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    // uniqueKeys refuses a hook listed twice; maxAliasCount stops alias bombs
    return { ok: true, value: parse(text, { uniqueKeys: true, maxAliasCount: 100, prettyErrors: true }) as unknown };
  } catch (err) {
    return { ok: false, reason: reasonOf(err).split('\n')[0] ?? 'unreadable' };
  }
}

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.charAt(0).toLowerCase() + message.slice(1);
}
