#!/usr/bin/env node
// Builds the packages of the Hello example service from src/ into dist/<version>/ (dist/ is git-ignored), one
// folder per variant, ready for `envmgr package upload Hello <version> examples/hello-service/dist/<version>` (the
// CLI zips a folder on the way). Plain Node.js, no dependencies.
//
//   node examples/hello-service/build.mjs [--out <dir>]
//
// As a module: `await build({ outDir })` returns [{ version, dir, description }].
import { chmod, cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const SERVICE = 'Hello';
export const DEFAULT_OUT_DIR = join(HERE, 'dist');

/** The variants: one source tree, a version file each, and a changed hook or health answer where the variant needs it. */
export const VARIANTS = [
  { version: '1.0.0', description: 'the first release' },
  { version: '1.1.0', description: 'a later release; GET / shows 1.1.0' },
  { version: '1.2.0-validate-fails', description: 'its ValidateService hook exits 1', validateFails: true },
  { version: '1.3.0-unhealthy', description: 'it runs, but GET /health answers 503 forever', healthy: false },
  {
    version: '1.4.0-degrades',
    description: 'healthy until it has answered 3 requests to /, then GET / answers 500 and /health 503 (a canary catches it)',
    failAfterRequests: 3,
  },
];

const FAILING_VALIDATE = `#!/bin/sh
# ValidateService of the validate-fails example variant: fails on purpose.
echo "ValidateService: this is the validate-fails example variant of Hello; failing on purpose" >&2
exit 1
`;

export async function build({ outDir = DEFAULT_OUT_DIR } = {}) {
  const built = [];
  for (const variant of VARIANTS) {
    const dir = join(outDir, variant.version);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await cp(join(HERE, 'src'), dir, { recursive: true });
    const info = {
      service: SERVICE,
      version: variant.version,
      healthy: variant.healthy ?? true,
      ...(variant.failAfterRequests !== undefined ? { failAfterRequests: variant.failAfterRequests } : {}),
      description: variant.description,
    };
    await writeFile(join(dir, 'build.json'), `${JSON.stringify(info, null, 2)}\n`);
    if (variant.validateFails) await writeFile(join(dir, 'hooks', 'validate_service.sh'), FAILING_VALIDATE);
    // a checkout without exec bits (e.g. on Windows) must still give runnable hooks
    for (const name of await readdir(join(dir, 'hooks'))) await chmod(join(dir, 'hooks', name), 0o755);
    built.push({ version: variant.version, dir, description: variant.description });
  }
  return built;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const out = args.includes('--out') ? resolve(args[args.indexOf('--out') + 1] ?? DEFAULT_OUT_DIR) : DEFAULT_OUT_DIR;
  for (const b of await build({ outDir: out })) console.log(`${SERVICE} ${b.version.padEnd(22)} ${b.dir}  (${b.description})`);
}
