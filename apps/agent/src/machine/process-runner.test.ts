import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { ProcessRequest } from '@envmgr/agent-core';
import { createChildProcessRunner } from './process-runner.js';

const runner = createChildProcessRunner({ killGraceMs: 200, drainMs: 100 });
const sh = (script: string, over: Partial<ProcessRequest> = {}) =>
  runner.run({ command: '/bin/sh', args: ['-c', script], cwd: tmpdir(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeoutMs: 5000, ...over });

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('child process runner', () => {
  it('reports the exit code and keeps the first and last ten lines, passing every line on', async () => {
    const seen: string[] = [];
    const r = await sh('for i in $(seq 1 25); do echo "line $i"; done; echo oops >&2; exit 3', { onLine: (l, s) => seen.push(`${s}:${l}`) });
    expect(r).toMatchObject({ outcome: 'exited', exitCode: 3, signal: null });
    expect(r.firstLines).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 1}`));
    expect(r.lastLines.slice(-2)).toEqual(['line 25', 'oops']);
    expect(seen).toHaveLength(26);
    expect(seen).toContain('stderr:oops');
  });

  it('passes exactly the environment given', async () => {
    const r = await sh('echo "$ONLY_THIS-${HOME:-nohome}"', { env: { PATH: '/usr/bin:/bin', ONLY_THIS: 'yes' } });
    expect(r.firstLines).toEqual(['yes-nohome']);
  });

  it('kills a process that outlives its timeout, with what it started in its group', async () => {
    const started = Date.now();
    const r = await sh('sleep 30 & echo "child $!"; wait', { timeoutMs: 300 });
    expect(r.outcome).toBe('timed-out');
    expect(Date.now() - started).toBeLessThan(3000);
    const child = Number(r.firstLines[0]?.split(' ')[1]);
    await new Promise((res) => setTimeout(res, 300));
    expect(alive(child)).toBe(false);
  });

  it('kills one that ignores SIGTERM after the grace period', async () => {
    const r = await sh('trap "" TERM; sleep 30', { timeoutMs: 200 });
    expect(r.outcome).toBe('timed-out');
    expect(r.durationMs).toBeLessThan(3000);
  });

  it('returns when the process ends even if a background child keeps its output open', async () => {
    const r = await sh('sleep 5 & echo started', { timeoutMs: 10_000 });
    expect(r).toMatchObject({ outcome: 'exited', exitCode: 0, firstLines: ['started'] });
    expect(r.durationMs).toBeLessThan(2000);
  });

  it.runIf(process.getuid?.() === 0)('runs as another user through su, keeping the environment', async () => {
    const r = await sh('id -un; echo "$FOO"', { runAs: 'nobody', env: { PATH: '/usr/bin:/bin', FOO: 'kept' } });
    expect(r).toMatchObject({ outcome: 'exited', exitCode: 0, firstLines: ['nobody', 'kept'] });
  });

  it.runIf(process.getuid?.() !== 0)('refuses another user when the agent is not root', async () => {
    const r = await sh('true', { runAs: 'nobody' });
    expect(r).toMatchObject({ outcome: 'not-started', error: expect.stringContaining('needs the agent to run as root') });
  });

  it('says a program that cannot be run was not started', async () => {
    const r = await runner.run({ command: '/nonexistent/hook.sh', args: [], cwd: tmpdir(), env: {}, timeoutMs: 1000 });
    expect(r.outcome).toBe('not-started');
    expect(r.error).toMatch(/ENOENT/);
  });
});
