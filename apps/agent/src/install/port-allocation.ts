import { portPairCandidates, slicePort, type ServiceDefinition, type Slice } from '@envmgr/agent-core';
import type { InstalledRecord } from '../state/state-store.js';
import type { AgentContext } from './agent-context.js';
import { InstallStepError } from './step-error.js';

/**
 * The port a service slice listens on. With a port block (local instances), each service name keeps one pair of
 * adjacent ports of the block (none and blue the first, green the next), chosen the first time among pairs that
 * can be bound and recorded in the agent state; otherwise the definition's `Ports` apply. An upgrade keeps the
 * port of the version it replaces.
 */
export async function choosePort(
  ctx: AgentContext,
  p: { service: string; slice: Slice; previous: InstalledRecord | undefined; definition: ServiceDefinition },
): Promise<number> {
  if (p.previous) return p.previous.port;
  const block = ctx.config.portBlock;
  if (!block) {
    if (p.definition.ports) return slicePort(p.slice, p.definition.ports);
    throw new InstallStepError(`the service definition of ${p.service} has no Ports and this instance has no port block (EM_PORTS_FIRST/LAST); configure the service's ports`);
  }
  const name = p.service.toLowerCase();
  const state = ctx.state.get();
  const known = state.portPairs[name];
  if (known) return slicePort(p.slice, known);
  const reserved = [
    ...Object.values(state.portPairs).flatMap((pair) => [pair.blue, pair.green]),
    ...Object.values(state.services).map((s) => s.port),
  ];
  for (const pair of portPairCandidates(block, reserved)) {
    if ((await ctx.isPortFree(pair.blue)) && (await ctx.isPortFree(pair.green))) {
      await ctx.state.update((s) => {
        s.portPairs[name] = pair;
      });
      return slicePort(p.slice, pair);
    }
  }
  throw new InstallStepError(`no free pair of ports is left in this instance's block ${block.first}-${block.last}; remove a service or widen the block`);
}

/** Gives a service's port pair back once none of its slices is installed. */
export async function releasePorts(ctx: AgentContext, service: string): Promise<void> {
  const name = service.toLowerCase();
  const state = ctx.state.get();
  if (!state.portPairs[name]) return;
  if (Object.values(state.services).some((s) => s.service.toLowerCase() === name)) return;
  await ctx.state.update((s) => {
    delete s.portPairs[name];
  });
}
