import { readFile, writeFile } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { nodeEdgeHost } from './edge-host.js';
import { nodeFileSystem } from './io.js';
import { terminalPrompter } from './prompt.js';
import { run } from './run.js';

// The composition root of the CLI: the only place that touches the process.
// `envmgr ... | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdin: process.stdin,
  readFile: (path) => readFile(path, 'utf8'),
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  fetch: globalThis.fetch,
  now: () => new Date(),
  fs: nodeFileSystem,
  homedir,
  hostname,
  // Questions go to stderr, so they need a terminal there too; without one, --user and --password-stdin are needed.
  prompt: process.stdin.isTTY && process.stderr.isTTY ? terminalPrompter(process.stdin, process.stderr) : undefined,
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    return () => void process.off('SIGINT', handler);
  },
  edge: nodeEdgeHost,
});
