import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDetachedServiceSupervisor } from './service-supervisor.js';

describe('detached service supervisor', () => {
  const supervisor = createDetachedServiceSupervisor({ stopGraceMs: 1000, settleMs: 150 });
  let dir: string;
  const started: number[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-supervisor-'));
  });
  afterEach(async () => {
    for (const pid of started.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // stopped by the test
      }
    }
    await rm(dir, { recursive: true, force: true });
  });
  const ref = () => ({ serviceId: 'c50-Hello', deploymentId: 'd1', stateDir: dir });
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', GREETING: 'hi' };

  it('starts a command in its own session with a pid file and log, finds it again, and stops it', async () => {
    const r = await supervisor.start(ref(), { command: ['/bin/sh', '-c', 'echo "$GREETING"; exec sleep 30'], cwd: dir, env });
    if (!r.ok) throw new Error(r.reason);
    started.push(r.pid);
    expect(Number(await readFile(join(dir, 'service.pid'), 'utf8'))).toBe(r.pid);
    expect(await supervisor.isRunning(ref())).toBe(true);
    // another deployment's ref does not claim the process
    expect(await supervisor.isRunning({ ...ref(), deploymentId: 'd2' })).toBe(false);
    expect(await supervisor.start(ref(), { command: ['sleep', '30'], cwd: dir, env })).toMatchObject({ ok: false });
    await supervisor.stop(ref());
    expect(await supervisor.isRunning(ref())).toBe(false);
    expect(await readFile(join(dir, 'service.log'), 'utf8')).toBe('hi\n');
  });

  it('fails a command that exits at once', async () => {
    const r = await supervisor.start(ref(), { command: ['/bin/sh', '-c', 'exit 4'], cwd: dir, env });
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('exited at once (code 4)') });
  });

  it('fails a command that does not exist', async () => {
    const r = await supervisor.start(ref(), { command: ['/nonexistent/server'], cwd: dir, env });
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/could not be started: .*ENOENT/) });
  });

  it('stopping what does not run does nothing', async () => {
    await expect(supervisor.stop(ref())).resolves.toBeUndefined();
  });
});
