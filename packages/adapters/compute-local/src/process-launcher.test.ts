import { DependencyUnavailableError } from '@envmgr/domain';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProcessLauncher, type InstanceLauncher } from './process-launcher.js';

const request = (dir: string) => ({ id: 'i-0123456789abcdef0', dir, tags: { Role: 'Web' }, env: { EM_INSTANCE_ID: 'i-0123456789abcdef0' } });

describe('process launcher', () => {
  let dir: string;
  const pids: number[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'envmgr-launcher-'));
  });
  afterEach(async () => {
    for (const pid of pids.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(dir, { recursive: true, force: true });
  });
  const launcher = (script: string, stopGraceMs = 5_000): InstanceLauncher =>
    createProcessLauncher({ command: process.execPath, args: ['-e', script], baseEnv: { FROM_BASE: 'yes' }, stopGraceMs });
  const start = async (l: InstanceLauncher): Promise<number> => {
    const { pid } = await l.start(request(dir));
    pids.push(pid);
    return pid;
  };

  it('runs the command in the instance folder with the base and instance environment, output to agent.log', async () => {
    const l = launcher("console.log(process.cwd(), process.env.FROM_BASE, process.env.EM_INSTANCE_ID); setInterval(() => {}, 1e9);");
    const pid = await start(l);
    expect(l.isAlive(pid)).toBe(true);
    await vi.waitFor(async () => expect(await readFile(join(dir, 'agent.log'), 'utf8')).toBe(`${dir} yes i-0123456789abcdef0\n`));
    await l.stop(pid);
    expect(l.isAlive(pid)).toBe(false);
  });

  it('forces a process that ignores SIGTERM after the grace period', async () => {
    const l = launcher("process.on('SIGTERM', () => console.log('ignored')); console.log('ready'); setInterval(() => {}, 1e9);", 300);
    const pid = await start(l);
    await vi.waitFor(async () => expect(await readFile(join(dir, 'agent.log'), 'utf8')).toContain('ready'));
    const t0 = Date.now();
    await l.stop(pid);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(l.isAlive(pid)).toBe(false);
    expect(await readFile(join(dir, 'agent.log'), 'utf8')).toContain('ignored');
  });

  it('ends what the process started as well', async () => {
    const l = launcher(
      "const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1e9);",
    );
    const pid = await start(l);
    const child = await vi.waitFor(async () => {
      const n = Number((await readFile(join(dir, 'agent.log'), 'utf8')).trim());
      expect(n).toBeGreaterThan(1);
      return n;
    });
    pids.push(child);
    expect(l.isAlive(child)).toBe(true);
    await l.stop(pid);
    await vi.waitFor(() => expect(l.isAlive(child)).toBe(false));
  });

  it('sees a killed process as dead and stopping it is harmless', async () => {
    const l = launcher('setInterval(() => {}, 1e9);');
    const pid = await start(l);
    process.kill(pid, 'SIGKILL');
    await vi.waitFor(() => expect(l.isAlive(pid)).toBe(false));
    await l.stop(pid);
    expect(l.isAlive(0)).toBe(false);
    expect(l.isAlive(-1)).toBe(false);
  });

  it('rejects with DependencyUnavailableError when the command cannot start', async () => {
    const l = createProcessLauncher({ command: join(dir, 'missing-agent') });
    await expect(l.start(request(dir))).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
