// The variants of the interleaved HTTP loop, as Steps: three ways of running one process per
// command, the pool, the held client (the floor), and at the terminal a whole `mcp-pool call`
// process and a bare `node -e 0` (cliStart.ts).
import type { Pool } from '../../src/pool';
import type { HeldClient } from './heldClient';
import type { HttpServer } from './httpServer';
import type { Step } from './interleave';
import { type OneShotLauncher, type OneShotTiming, runOneShot } from './oneShot';
import { pooledEcho } from './pooled';

export type VariantId = 'npx' | 'npxOffline' | 'bundled' | 'pooled' | 'held' | 'cli' | 'relay' | 'relayFloor' | 'nodeStart';

export const VARIANT_LABELS: Record<VariantId, string> = {
  npx: 'one process per command: npx -y mcp-remote@0.15.1',
  npxOffline: 'one process per command: npx --prefer-offline (no registry)',
  bundled: 'one process per command: bundled mcp-remote on Node',
  pooled: 'pool: pool.callTool (#1 cold, #2..N warm)',
  held: 'floor: SDK Client held open over one mcp-remote',
  cli: 'mcp-pool call (a whole process, warm pooled app through the gateway)',
  relay: 'mcp-pool stdio: a whole relay session by an SDK stdio client (spawn, initialize, tools/list, tools/call, close)',
  relayFloor: 'floor: the same session with the least SDK v2 stdio server (one echo tool)',
  nodeStart: 'bare node -e 0 (the floor of any Node CLI)',
};

/** A one-shot variant: each iteration is a whole command in a new process; phases are kept. */
export function oneShotStep(
  id: VariantId,
  launcher: OneShotLauncher,
  server: HttpServer,
  runId: string,
  phases: OneShotTiming[],
  onLeftovers: (count: number) => void,
): Step {
  return {
    id,
    async run(i) {
      const marker = `${runId}-${id}-${i}`;
      const timing = await runOneShot(launcher, server.marked(marker), marker);
      phases[i] = timing;
      if (timing.leftoversKilled) onLeftovers(timing.leftoversKilled);
      return timing.totalMs;
    },
  };
}

export function pooledStep(pool: Pool, app: string, pids: Set<number>, id: VariantId = 'pooled'): Step {
  return {
    id,
    async run(i) {
      const call = await pooledEcho(pool, app, `pooled-${i}`);
      if (call.pid !== undefined) pids.add(call.pid);
      return call.ms;
    },
  };
}

export function heldStep(held: HeldClient, id: VariantId = 'held'): Step {
  return { id, run: (i) => held.echo(`held-${i}`) };
}
