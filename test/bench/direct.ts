// Direct remote apps (HTTP from the pool's process, no mcp-remote) against the same HTTP fixture,
// side by side in one run:
//  - warm calls, interleaved: a direct app on the pool, an SDK client held in this process on the
//    same server (the floor: the same HTTP stack, nothing of ours), and the same app through the
//    pool's mcp-remote;
//  - cold starts (first call of a fresh app): direct vs through mcp-remote, alternating;
//  - memory: the RSS growth of a fresh process per additional warm direct app (10 apps, after a
//    GC; directMemory.ts), next to one mcp-remote process's RSS.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client as V2Client, StreamableHTTPClientTransport as V2Http } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { treeRss, type Pool } from '../../src/pool';
import { interleave } from './interleave';
import { directApp, makeBenchPool, pooledEcho, remoteApp } from './pooled';
import { msSince } from './stats';

export interface DirectResult {
  /** Warm call per round (ms): direct app, held in-process SDK client, the app through mcp-remote. */
  readonly warm: { readonly direct: number[]; readonly heldInProcess: number[]; readonly viaMcpRemote: number[]; readonly heldInProcess1x?: number[] };
  /** First call of a fresh app, spawn/connect + initialize + call (ms). */
  readonly cold: { readonly direct: number[]; readonly viaMcpRemote: number[] };
  /** RSS growth of a fresh process per warm direct app (freed pages are reused, so it can be ≈ 0), and its live JS memory (heap in use + external) per app. */
  readonly memory: {
    readonly apps: number;
    readonly hostGrowthBytes: number;
    readonly perAppBytes: number;
    readonly livePerAppBytes: number;
    readonly mcpRemoteProcessRssBytes?: number;
  };
  readonly errors: string[];
}

/** The memory probe (directMemory.ts) in a fresh process: nothing measured before it skews its heap. */
interface MemoryProbe {
  baseRss: number;
  afterRss: number;
  baseLive: number;
  afterLive: number;
  apps: number;
  warm: number;
}

function directMemory(url: string, apps: number): MemoryProbe {
  const out = execFileSync(process.execPath, [join(__dirname, 'directMemory.js'), url, String(apps)], { encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(out.trim().split('\n').pop()!) as MemoryProbe;
}

export async function measureDirect(
  url: (marker: string) => string,
  runId: string,
  home: string,
  rounds: number,
  coldReps: number,
  warmup: number,
): Promise<DirectResult> {
  const errors: string[] = [];
  const pool: Pool = makeBenchPool();
  // the floor: the SDK the pool runs on (v2); the 1.x client beside it, a diagnostic of the SDK's own move
  const held = new V2Client({ name: 'bench-held-in-process', version: '1' });
  const held1x = new Client({ name: 'bench-held-in-process-1x', version: '1' });
  try {
    // ---- warm: direct vs held in this process vs through mcp-remote ----
    await pool.configure([directApp('direct', url(`${runId}-direct`)), remoteApp('proxied', url(`${runId}-proxied`), home)]);
    await held.connect(new V2Http(new URL(url(`${runId}-heldip`))));
    await held.listTools();
    await held1x.connect(new StreamableHTTPClientTransport(new URL(url(`${runId}-heldip1x`))));
    await held1x.listTools();
    await pool.listTools('direct');
    await pool.listTools('proxied');
    const heldEcho = async (text: string, client: Pick<V2Client, 'callTool'> | Client = held) => {
      const t = process.hrtime.bigint();
      const r = await client.callTool({ name: 'echo', arguments: { text } });
      const ms = msSince(t);
      if ((r.content as { text?: string }[])[0]?.text !== text) throw new Error('held echo returned something else');
      return ms;
    };
    for (let i = 0; i < warmup; i++) {
      await pooledEcho(pool, 'direct', `w${i}`);
      await heldEcho(`w${i}`);
      await heldEcho(`w${i}`, held1x);
      await pooledEcho(pool, 'proxied', `w${i}`);
    }
    const warm = await interleave(rounds, [
      { id: 'direct', run: async (i: number) => (await pooledEcho(pool, 'direct', `d${i}`)).ms },
      { id: 'heldInProcess', run: (i: number) => heldEcho(`h${i}`) },
      { id: 'heldInProcess1x', run: (i: number) => heldEcho(`o${i}`, held1x) },
      { id: 'viaMcpRemote', run: async (i: number) => (await pooledEcho(pool, 'proxied', `p${i}`)).ms },
    ]);
    errors.push(...warm.errors.map((e) => `direct warm: ${e}`));
    const proxiedPid = pool.snapshot('proxied')?.pid;
    const mcpRemoteProcessRssBytes = proxiedPid ? treeRss(proxiedPid) : undefined;

    // ---- cold: a fresh app each time, alternating which goes first ----
    const cold = { direct: [] as number[], viaMcpRemote: [] as number[] };
    for (let i = 0; i < coldReps; i++) {
      const d = directApp(`cold-d${i}`, url(`${runId}-cold-d${i}`));
      const m = remoteApp(`cold-m${i}`, url(`${runId}-cold-m${i}`), home);
      await pool.configure([d, m]);
      const order = i % 2 === 0 ? [d, m] : [m, d];
      for (const spec of order) {
        try {
          const r = await pooledEcho(pool, spec.name, 'cold');
          if (!r.cold) throw new Error(`${spec.name}: first call was not cold`);
          (spec.transport === 'direct' ? cold.direct : cold.viaMcpRemote).push(r.ms);
        } catch (e) {
          errors.push(`cold ${spec.name}: ${(e as Error).message}`);
        }
      }
      await Promise.all([pool.stop(d.name), pool.stop(m.name)]);
    }

    // ---- memory: a child process's RSS growth per additional warm direct app ----
    const mem = directMemory(url(`${runId}-mem`), 10);
    if (mem.warm !== mem.apps + 1) errors.push(`memory: expected ${mem.apps + 1} warm direct apps, saw ${mem.warm}`);
    return {
      warm: {
        direct: warm.samples.direct ?? [],
        heldInProcess: warm.samples.heldInProcess ?? [],
        viaMcpRemote: warm.samples.viaMcpRemote ?? [],
        heldInProcess1x: warm.samples.heldInProcess1x ?? [],
      },
      cold,
      memory: {
        apps: mem.apps,
        hostGrowthBytes: mem.afterRss - mem.baseRss,
        perAppBytes: (mem.afterRss - mem.baseRss) / mem.apps,
        livePerAppBytes: (mem.afterLive - mem.baseLive) / mem.apps,
        mcpRemoteProcessRssBytes,
      },
      errors,
    };
  } finally {
    await held.close().catch(() => undefined);
    await held1x.close().catch(() => undefined);
    await pool.shutdown();
    pool.dispose();
  }
}
