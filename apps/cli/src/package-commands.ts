import { createHash } from 'node:crypto';
import { createWriteStream, openAsBlob } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { ApiError, createPackagesClient, type BinaryBody, type BinaryFetchLike, type PackageRefDto, type PackagesApi } from '@envmgr/api-contract';
import yazl from 'yazl';
import type { Context } from './context.js';
import { UsageError } from './failure.js';
import { shortTime, table, toJson } from './output.js';

interface RefOptions {
  environment?: string;
  json?: boolean;
}

/** `envmgr package upload|list|download`: deployable packages (SPEC §5). */
export function registerPackageCommands(program: Command, ctx: Context): void {
  const pkg = program.command('package').description('deployable packages: upload a zip or a folder, list versions, download');

  pkg
    .command('upload')
    .description('upload a package version: a zip file, or a folder (zipped on the way) with appspec.yml at its root')
    .argument('<service>', 'a configured service')
    .argument('<version>', 'a semantic version such as 1.2.3; a version is stored once and never replaced')
    .argument('<file-or-dir>', 'the zip, or the folder to zip')
    .option('--environment <env>', 'a package built for this environment only')
    .option('--json', 'print the server’s answer as JSON')
    .action(async (service: string, version: string, path: string, opts: RefOptions, cmd: Command) => {
      const ref = refOf(service, version, opts);
      const source = await packageSource(path);
      const client = await packagesClient(ctx, cmd);
      const up = await client.uploadPackage(ref, source.body);
      if (opts.json) return ctx.write(toJson(up));
      ctx.out(`uploaded ${describe(ref)} (${source.what}): ${up.sizeBytes} bytes, sha256 ${up.sha256}`);
    });

  pkg
    .command('list')
    .description('list the stored versions of a service, in semver order')
    .argument('<service>', 'a configured service')
    .option('--json', 'print the versions as a JSON array')
    .action(async (service: string, opts: { json?: boolean }, cmd: Command) => {
      const versions = await (await packagesClient(ctx, cmd)).listPackages(service);
      if (opts.json) return ctx.write(toJson(versions));
      if (versions.length === 0) return ctx.out(`no packages of ${service} yet; upload one with \`envmgr package upload ${service} <version> <file-or-dir>\``);
      const rows = versions.map((v) => [v.version, v.environment ?? '', String(v.sizeBytes), shortTime(v.storedAt), v.sha256]);
      table(['VERSION', 'ENVIRONMENT', 'BYTES', 'STORED', 'SHA256'], rows).forEach(ctx.out);
    });

  pkg
    .command('download')
    .description('download a package and verify its checksum')
    .argument('<service>', 'a configured service')
    .argument('<version>', 'the version')
    .option('--environment <env>', 'the package built for this environment')
    .option('--output <file>', 'where to write it (default: <service>-<version>[-<env>].zip here)')
    .option('--force', 'replace the output file if it exists')
    .option('--json', 'print what was written as JSON')
    .action(async (service: string, version: string, opts: RefOptions & { output?: string; force?: boolean }, cmd: Command) => {
      const ref = refOf(service, version, opts);
      const output = opts.output ?? `${service}-${version}${ref.environment !== undefined ? `-${ref.environment}` : ''}.zip`;
      if (!opts.force && (await stat(output).catch(() => undefined))) {
        throw new UsageError(`'${output}' already exists`, 'pass --force to replace it, or --output <file> to write elsewhere');
      }
      const download = await (await packagesClient(ctx, cmd)).downloadPackage(ref);
      const sizeBytes = await saveVerified(download, output, ref);
      if (opts.json) return ctx.write(toJson({ ...ref, path: output, sha256: download.sha256, sizeBytes }));
      ctx.out(`downloaded ${describe(ref)} to ${output}: ${sizeBytes} bytes, sha256 ${download.sha256} (verified)`);
    });
}

function refOf(service: string, version: string, opts: RefOptions): PackageRefDto {
  return { service, version, ...(opts.environment !== undefined ? { environment: opts.environment } : {}) };
}

const describe = (ref: PackageRefDto): string => `${ref.service} ${ref.version}${ref.environment !== undefined ? ` for ${ref.environment}` : ''}`;

/**
 * A client for packages, signed like {@link Context.client}. `Io.fetch` is the global fetch in production, which
 * also carries binary bodies; its declared type only promises JSON, hence the cast.
 */
async function packagesClient(ctx: Context, cmd: Command): Promise<PackagesApi> {
  const server = ctx.server(cmd);
  const found = await ctx.token(cmd);
  ctx.auth = { server, source: found?.source ?? 'none' };
  return createPackagesClient({ baseUrl: server, fetch: ctx.io.fetch as unknown as BinaryFetchLike | undefined, token: found?.token });
}

/** A zip file as it is (streamed from disk with its size), or a folder zipped on the fly. */
async function packageSource(path: string): Promise<{ body: BinaryBody; what: string }> {
  const s = await stat(path).catch(() => undefined);
  if (!s) throw new UsageError(`'${path}' does not exist`, 'give a zip file, or a folder with appspec.yml at its root');
  if (s.isFile()) return { body: await openAsBlob(path), what: `zip ${path}` };
  if (!s.isDirectory()) throw new UsageError(`'${path}' is neither a file nor a folder`);
  if (!(await stat(join(path, 'appspec.yml')).catch(() => undefined))?.isFile()) {
    throw new UsageError(`'${path}' has no appspec.yml at its root`, 'a package needs one (os, files, hooks); see examples/hello-service');
  }
  const { body, entries } = await zipFolder(path);
  return { body, what: `folder ${path}, ${entries} entries zipped` };
}

/**
 * Zips a folder with yazl, streaming: entries in name order, paths relative to the folder with `/`, file modes kept
 * (hook scripts stay executable). Links to files are followed; links to folders are skipped (they may loop).
 */
export async function zipFolder(dir: string): Promise<{ body: AsyncIterable<Uint8Array>; entries: number }> {
  const zip = new yazl.ZipFile();
  let entries = 0;
  const walk = async (rel: string): Promise<void> => {
    const found = (await readdir(join(dir, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of found) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      const s = await stat(join(dir, path));
      if (s.isDirectory() && !e.isSymbolicLink()) {
        zip.addEmptyDirectory(path, { mtime: s.mtime, mode: s.mode });
        entries++;
        await walk(path);
      } else if (s.isFile()) {
        zip.addFile(join(dir, path), path);
        entries++;
      }
    }
  };
  await walk('');
  zip.end();
  return { body: zip.outputStream as unknown as AsyncIterable<Uint8Array>, entries };
}

/** Writes the download to `<output>.part`, checks its SHA-256, then renames it into place. Returns its size. */
async function saveVerified(download: { sha256: string; body: AsyncIterable<Uint8Array> }, output: string, ref: PackageRefDto): Promise<number> {
  const part = `${output}.part`;
  const hash = createHash('sha256');
  let sizeBytes = 0;
  const counted = async function* () {
    for await (const chunk of download.body) {
      hash.update(chunk);
      sizeBytes += chunk.length;
      yield chunk;
    }
  };
  try {
    await pipeline(counted, createWriteStream(part, { flags: 'w' }));
  } catch (err) {
    await rm(part, { force: true });
    if (err instanceof ApiError) throw err;
    throw new UsageError(`cannot write '${output}': ${err instanceof Error ? err.message : String(err)}`);
  }
  const actual = hash.digest('hex');
  if (actual !== download.sha256) {
    await rm(part, { force: true });
    throw new ApiError(`the download of ${describe(ref)} is corrupt: its sha256 is ${actual}, the server said ${download.sha256}; nothing was written`, {
      status: 200,
      code: 'invalid-response',
      method: 'GET',
      url: resolve(output),
    });
  }
  await rename(part, output);
  return sizeBytes;
}
