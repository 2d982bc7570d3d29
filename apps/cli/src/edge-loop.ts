import { renderNginxConfig, type NginxProblem, type NginxSource } from '@envmgr/domain';
import type { ApplyOutcome } from './edge-nginx.js';
import type { ChangeFeed } from './edge-source.js';

export interface EdgeLoopDeps {
  /**
   * Reads the group's LB settings and upstreams (through the API), and with `--registry` the passing instances of
   * each registry name the hosts use.
   */
  read(): Promise<NginxSource & { instances?: ReadonlyMap<string, readonly { address: string; port: number }[]> }>;
  apply(text: string): Promise<ApplyOutcome>;
  /** Wakes the loop on announced changes; without it the loop polls every `intervalMs`. */
  changes: ChangeFeed;
  log(line: string): void;
  isStopped(): boolean;
}

export interface EdgeLoopOptions {
  registryDomain: string;
  /** The longest wait between two reads when no change is announced. */
  intervalMs: number;
  /** One pass only: read, render, apply, and return. */
  once: boolean;
}

/** What the last pass came to: `ok` when nginx serves the current rendering. */
export type PassResult = 'ok' | 'invalid' | 'unreadable';

/**
 * `envmgr edge`'s loop: read, render, apply, wait for a change. A rendering with problems, or one `nginx -t` refuses,
 * is logged once and not applied: nginx keeps serving the last good one, and the next change is tried afresh. A
 * failed read is retried with back-off (1 s doubling to 30 s), keeping what nginx serves.
 */
export async function runEdgeLoop(deps: EdgeLoopDeps, opts: EdgeLoopOptions): Promise<PassResult> {
  let failures = 0;
  let lastReport = '';
  const report = (text: string) => {
    if (text !== lastReport) deps.log(text);
    lastReport = text;
  };
  for (;;) {
    const result = await onePass(deps, opts, report).catch((err: unknown) => {
      if (opts.once) throw err;
      failures++;
      report(`could not read the configuration (${err instanceof Error ? err.message : String(err)}); nginx keeps its configuration; retrying`);
      return 'unreadable' as const;
    });
    if (result !== 'unreadable') failures = 0;
    if (opts.once || deps.isStopped()) return result;
    await deps.changes.wait(failures > 0 ? Math.min(1000 * 2 ** (failures - 1), 30_000, opts.intervalMs) : opts.intervalMs);
    if (deps.isStopped()) return result;
  }
}

async function onePass(deps: EdgeLoopDeps, opts: EdgeLoopOptions, report: (line: string) => void): Promise<PassResult> {
  const source = await deps.read();
  const instances = source.instances;
  const rendered = renderNginxConfig(source, { registryDomain: opts.registryDomain, ...(instances ? { instances: (name: string) => instances.get(name) } : {}) });
  if (!rendered.ok) {
    report(`the configuration cannot be rendered; nginx keeps the last good one:\n${describeProblems(rendered.problems)}`);
    return 'invalid';
  }
  const outcome = await deps.apply(rendered.text);
  const summary = `${source.upstreams.length} upstream(s), ${source.lbSettings.length} virtual host(s) of group ${source.group}`;
  switch (outcome.kind) {
    case 'unchanged':
      report(`nginx serves the current configuration (${summary})`);
      return 'ok';
    case 'reloaded':
      if (rendered.ignored.length > 0) deps.log(`not rendered (no nginx directive):\n${describeProblems(rendered.ignored)}`);
      report(`nginx reloaded with ${summary}`);
      return 'ok';
    case 'invalid':
      report(`nginx -t refused the rendering; nginx keeps the last good configuration:\n  ${outcome.output.replace(/\n/g, '\n  ')}`);
      return 'invalid';
    case 'reload-failed':
      report(`the configuration passed nginx -t and was written, but the reload failed (retried on the next pass):\n  ${outcome.output.replace(/\n/g, '\n  ')}`);
      return 'invalid';
  }
}

export function describeProblems(problems: readonly NginxProblem[]): string {
  return problems.map((p) => `  ${p.item} ${p.path}: ${p.message}`).join('\n');
}
