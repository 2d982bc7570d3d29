import { FINAL_DEPLOYMENT_STATES, type DeploymentDto, type DeploymentProgress, type EnvMgrClient, type FollowSource } from '@envmgr/api-contract';
import type { Context } from './context.js';
import { failedNodeLines, nodeTable, tally, what } from './deployment-output.js';
import { EXIT, ExitWithCode } from './failure.js';
import type { Writer } from './io.js';
import { toJson } from './output.js';

type Node = DeploymentProgress['nodes'][number];

export interface WaitOptions {
  /** Print the final deployment as JSON on stdout; progress then goes to stderr. */
  json: boolean;
  /** Stop waiting after this long; undefined waits until the deployment ends. */
  timeoutMs: number | undefined;
  /** How the timeout was given (`10m`), for the message. */
  timeoutText: string | undefined;
}

interface ProgressView {
  update(p: DeploymentProgress, source: FollowSource): void;
}

/**
 * Follows a deployment until it ends, showing its progress: redrawn in place on a terminal, one line per change
 * otherwise. Returns when it succeeded. Otherwise it prints why and throws {@link ExitWithCode}: 1 when it failed or
 * was cancelled, or when `timeoutMs` passed; 130 when Ctrl-C stopped the waiting. The deployment itself is never
 * cancelled here.
 */
export async function waitForDeployment(ctx: Context, client: EnvMgrClient, start: DeploymentDto, opts: WaitOptions): Promise<void> {
  const sink = opts.json ? ctx.io.stderr : ctx.io.stdout;
  const view = sink.isTTY ? liveView(sink) : lineView(sink, ctx.note);
  const stop = new AbortController();
  let why: 'interrupt' | 'timeout' | undefined;
  const halt = (reason: 'interrupt' | 'timeout') => {
    why ??= reason;
    stop.abort();
  };
  const off = ctx.io.onInterrupt?.(() => halt('interrupt'));
  const timer = opts.timeoutMs !== undefined ? setTimeout(() => halt('timeout'), opts.timeoutMs) : undefined;
  let last: DeploymentProgress | undefined;
  let final: DeploymentDto | undefined;
  try {
    final = await client.deployments.follow(
      start.id,
      (p, source) => {
        last = p;
        view.update(p, source);
      },
      stop.signal,
    );
  } finally {
    off?.();
    clearTimeout(timer);
  }
  if (!final) return stoppedWaiting(ctx, start.id, last?.status ?? start.status, why === 'timeout' ? opts.timeoutText : undefined);
  if (opts.json) ctx.write(toJson(final));
  if (final.status === 'succeeded') {
    if (!opts.json) ctx.out(`deployment ${final.id} succeeded: ${what(final)}, ${tally(final.nodes)}`);
    return;
  }
  ctx.note(`error: deployment ${final.id} ${final.status === 'cancelled' ? 'was cancelled' : 'failed'}${final.reason ? `: ${final.reason}` : ''}`);
  failedNodeLines(final.nodes).forEach(ctx.note);
  ctx.note(`hint: see its log and the agents' logs with \`envmgr deployment ${final.id} --logs\``);
  throw new ExitWithCode(EXIT.refused);
}

function stoppedWaiting(ctx: Context, id: string, status: string, timeoutText: string | undefined): never {
  if (timeoutText !== undefined) ctx.note(`error: deployment ${id} has not ended after ${timeoutText} (it is ${status}); it goes on`);
  else ctx.note(`stopped waiting: deployment ${id} goes on (it is ${status})`);
  ctx.note(`hint: follow it with \`envmgr deployment ${id}\`; cancel it with \`envmgr cancel ${id}\``);
  throw new ExitWithCode(timeoutText !== undefined ? EXIT.refused : EXIT.interrupted);
}

/** A terminal: the whole block is redrawn in place at each change (cursor up, clear to the end). */
function liveView(w: Writer): ProgressView {
  let shown = 0;
  const fit = (line: string) => (w.columns && line.length >= w.columns ? `${line.slice(0, w.columns - 2)}…` : line);
  return {
    update(p, source) {
      const head = `${what(p)}: ${p.status}, ${tally(p.nodes)}${source === 'poll' ? ' (checking every second)' : ''}`;
      const body = p.nodes.length ? nodeTable(p.nodes, '  ') : ['  no instances yet'];
      const block = [head, ...body, ...(p.lastLog ? [`  ${p.lastLog}`] : [])].map(fit);
      w.write(`${shown ? `\x1b[${shown}F\x1b[J` : ''}${block.join('\n')}\n`);
      shown = block.length;
    },
  };
}

/** A pipe or a file: one line per change of the status, of an instance, or of the deployment's newest log line. */
function lineView(w: Writer, note: (line: string) => void): ProgressView {
  let status = '';
  let lastLog = '';
  let polling = false;
  const nodes = new Map<string, string>();
  const out = (line: string) => void w.write(`${line}\n`);
  return {
    update(p, source) {
      if (source === 'poll' && !polling) {
        polling = true;
        note('note: the event stream is not available; checking the deployment every second');
      }
      // the end is said once, by the summary that follows
      if (p.status !== status && !FINAL_DEPLOYMENT_STATES.includes(p.status)) out(`status: ${p.status}`);
      status = p.status;
      for (const n of p.nodes) {
        const text = nodeText(n);
        if (nodes.get(n.instanceId) !== text) out(`${n.instanceId}: ${text}`);
        nodes.set(n.instanceId, text);
      }
      if (p.lastLog && p.lastLog !== lastLog) out(`log: ${p.lastLog}`);
      lastLog = p.lastLog;
    },
  };
}

function nodeText(n: Node): string {
  const parts: string[] = [n.status];
  if (n.status === 'Failed') parts[0] = `Failed${n.failedStage ? ` at ${n.failedStage}` : ''}${n.errorReason ? `: ${n.errorReason}` : ''}`;
  else if (n.status === 'In Progress' && n.lastCompletedStage) parts.push(`last stage ${n.lastCompletedStage}`);
  if (n.health) parts.push(`health ${n.health}`);
  if (!n.inService) parts.push('no longer in service');
  return parts.join(', ');
}
