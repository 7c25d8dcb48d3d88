// The targets of the issue, checked against the ratios and counts of one run.
import type { Ratio, RawResults, Resources, Target, TargetStatus } from './results';
import { median, pairwiseDiffs } from './stats';

const status = (ok: boolean): TargetStatus => (ok ? 'PASS' : 'MISS');
const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const ci = (r: Ratio) =>
  r.paired && Number.isFinite(r.paired.ci95[0]) ? ` (95% CI ${fmt(r.paired.ci95[0])}–${fmt(r.paired.ci95[1])}, ${r.paired.pairs} pairs)` : '';

export function checkTargets(raw: RawResults, ratios: readonly Ratio[], resources: Resources, npxUsable: boolean): Target[] {
  const get = (id: string) => ratios.find((r) => r.id === id);
  const targets: Target[] = [];

  const pvh = get('pooledVsHeld');
  const pvh1x = get('pooledVsHeld1x');
  const sdk1x = get('http.sdk1x');
  targets.push({
    id: 'warmVsHeld',
    label: 'warm pooled call vs held SDK client (HTTP), the SDK the pool runs on (v2)',
    goal: 'pooled ÷ held ≤ 1.03',
    actual: pvh
      ? `${fmt(pvh.value)}${ci(pvh)}${pvh1x && sdk1x ? `; against a held SDK 1.x client ${fmt(pvh1x.value)} (held v2 ÷ held 1.x: ${fmt(sdk1x.value)}, the SDK's own move)` : ''}`
      : 'n/a',
    status: pvh && Number.isFinite(pvh.value) ? status(pvh.value <= 1.03) : 'N/A',
  });
  // The floor under warmVsHeld: the pool starts every server in a session of its own (setsid), so
  // that it owns and can end the whole tree. Where the kernel schedules by session (Linux autogroup),
  // that alone moves a held client's latency (`http.session`): the same target against a held
  // client whose mcp-remote runs the same way.
  const own = get('pooledVsHeldOwnSession');
  const session = get('http.session');
  if (own) {
    targets.push({
      id: 'warmVsHeld.ownSession',
      label: 'warm pooled call vs held SDK client whose mcp-remote runs in its own session, as the pool runs it (the floor-relative warmVsHeld)',
      goal: 'pooled ÷ held (own session) ≤ 1.03',
      actual: `${fmt(own.value)}${ci(own)}${session ? `; the own session alone: held (own session) ÷ held ${fmt(session.value)}` : ''}`,
      status: Number.isFinite(own.value) ? status(own.value <= 1.03) : 'N/A',
    });
  }

  for (const [id, label] of [
    ['npx', 'npx -y mcp-remote@0.15.1'],
    ['bundled', 'bundled mcp-remote'],
  ] as const) {
    const r = get(`pooledVs.${id}`);
    const usable = id !== 'npx' || npxUsable;
    targets.push({
      id: `commands2toN.${id}`,
      label: `commands #2..N pooled vs one process per command (${label})`,
      goal: '≥ 97 % faster (ratio ≤ 0.03)',
      actual: r ? `${fmt((1 - r.value) * 100, 2)} % faster (ratio ${fmt(r.value, 4)})` : usable ? 'n/a' : 'npx not usable',
      status: r && Number.isFinite(r.value) ? status(r.value <= 0.03) : 'N/A',
    });
  }

  const cold = get('coldStart.bundledVsNpx');
  targets.push({
    id: 'coldStart',
    label: 'bundled cold start vs npx cold start (spawn + initialize)',
    goal: '≥ 1.5× faster (ratio ≤ 0.667)',
    actual: cold ? `${fmt(1 / cold.value, 2)}× faster: ratio ${fmt(cold.value)}${ci(cold)}` : npxUsable ? 'n/a' : 'npx not usable',
    status: cold && Number.isFinite(cold.value) ? status(cold.value <= 1 / 1.5) : 'N/A',
  });

  const cliNpx = get('cli.vsNpx');
  const nodeNpx = get('nodeStart.vsNpx');
  targets.push({
    id: 'cli.vsNpx',
    label: 'a whole `mcp-pool call` process vs a whole `npx -y mcp-remote` one-shot command',
    goal: '≥ 93 % faster (ratio ≤ 0.07)',
    actual: cliNpx
      ? `${fmt((1 - cliNpx.value) * 100, 2)} % faster (ratio ${fmt(cliNpx.value, 4)})${ci(cliNpx)}${nodeNpx ? `; a bare node -e 0: ${fmt((1 - nodeNpx.value) * 100, 2)} % faster` : ''}`
      : npxUsable
        ? 'n/a'
        : 'npx not usable',
    status: cliNpx && Number.isFinite(cliNpx.value) ? status(cliNpx.value <= 0.07) : 'N/A',
  });
  const cliNode = get('cli.vsNodeStart');
  targets.push({
    id: 'cli.vsNodeStart',
    label: 'a whole `mcp-pool call` process vs a bare `node -e 0`',
    goal: '≤ 1.5× (ratio ≤ 1.5)',
    actual: cliNode ? `${fmt(cliNode.value)}×${ci(cliNode)}` : 'n/a',
    status: cliNode && Number.isFinite(cliNode.value) ? status(cliNode.value <= 1.5) : 'N/A',
  });
  const relay = get('relay.vsNodeStart');
  const relayFloor = get('relayFloor.vsNodeStart');
  const floorNote = relayFloor ? `; its floor, the same session with the least SDK v2 stdio server: ${fmt(relayFloor.value)}×${ci(relayFloor)}` : '';
  targets.push({
    id: 'relay.oneShot',
    label: 'a whole `mcp-pool stdio` session driven by a stdio client (spawn, initialize, tools/list, tools/call, close) vs a bare `node -e 0`',
    goal: '≤ 2× (ratio ≤ 2)',
    actual: relay ? `${fmt(relay.value)}×${ci(relay)}${floorNote}` : 'n/a',
    status: relay && Number.isFinite(relay.value) ? status(relay.value <= 2) : 'N/A',
  });
  // The same session against its floor: any stdio server built on SDK v2 loads the SDK and
  // answers the handshake; the relay adds its pool lookup, the HTTP hop and the gateway's answer.
  const relayVsFloor = get('relay.vsFloor');
  targets.push({
    id: 'relay.oneShotVsFloor',
    label: 'a whole `mcp-pool stdio` session vs the same session with the least SDK v2 stdio server (one echo tool), same client, same rounds',
    goal: '≤ 1.3× (ratio ≤ 1.3)',
    actual: relayVsFloor ? `${fmt(relayVsFloor.value)}×${ci(relayVsFloor)}` : 'n/a',
    status: relayVsFloor && Number.isFinite(relayVsFloor.value) ? status(relayVsFloor.value <= 1.3) : 'N/A',
  });

  const rounds = raw.parallel.rounds;
  const errors = rounds.reduce((s, r) => s + r.errors, 0);
  const pids = new Set(rounds.flatMap((r) => r.pids));
  const maxProcs = Math.max(0, ...rounds.map((r) => r.processes));
  targets.push({
    id: 'parallel100',
    label: `${raw.parallel.calls} parallel calls on one pooled app (${rounds.length} rounds)`,
    goal: '0 errors, one process',
    actual: `${errors} errors, ${pids.size} pid(s) in results, ${maxProcs} process(es) in the OS table`,
    status: rounds.length ? status(errors === 0 && pids.size === 1 && maxProcs === 1) : 'N/A',
  });

  const gw = raw.gateway;
  if (gw) {
    const hop = median(pairwiseDiffs(gw.samples.viaGateway, gw.samples.direct));
    targets.push({
      id: 'gateway.hop',
      label: 'warm call through the gateway vs on the pool directly (stdio app)',
      goal: 'median extra ≤ 1 ms',
      actual: `${fmt(hop)} ms (median of ${gw.samples.direct.length} paired rounds; pool ${fmt(median(gw.samples.direct))} ms, gateway ${fmt(median(gw.samples.viaGateway))} ms; the SDK's own HTTP round trip, SDK client → SDK server: ${fmt(median(gw.samples.sdkHttp))} ms)`,
      status: Number.isFinite(hop) ? status(hop <= 1) : 'N/A',
    });
    const f = gw.fanIn;
    targets.push({
      id: 'gateway.fanIn',
      label: `${f.clients} clients × ${f.callsPerClient} concurrent calls on one app through the gateway`,
      goal: '0 errors, one process, every answer to its own client',
      actual: `${f.errors} errors, ${f.misrouted} misrouted, ${f.pids} pid(s) in results, ${f.processes} process(es) in the OS table, ${Math.round(f.wallMs)} ms wall`,
      status: status(f.errors === 0 && f.misrouted === 0 && f.pids === 1 && f.processes === 1),
    });
  }

  const dr = raw.direct;
  if (dr) {
    const vsHeld = get('direct.vsHeld');
    const vs1x = get('direct.vsHeld1x');
    const sdk = get('direct.sdk1x');
    const vsProxy = get('direct.vsMcpRemote');
    const cold = get('direct.coldVsMcpRemote');
    targets.push({
      id: 'direct.warmVsHeld',
      label: 'warm call on a direct app vs an SDK v2 client (what the pool runs on) held in this process on the same server',
      goal: 'direct ÷ held ≤ 1.05',
      actual: vsHeld
        ? `${fmt(vsHeld.value)}${ci(vsHeld)}; direct ${fmt(median(dr.warm.direct))} ms, held v2 ${fmt(median(dr.warm.heldInProcess))} ms${vs1x && sdk ? ` (held 1.x ${fmt(median(dr.warm.heldInProcess1x ?? []))} ms: direct ÷ held 1.x ${fmt(vs1x.value)}, held v2 ÷ held 1.x ${fmt(sdk.value)})` : ''}, through mcp-remote ${fmt(median(dr.warm.viaMcpRemote))} ms (direct ÷ mcp-remote ${vsProxy ? fmt(vsProxy.value) : 'n/a'}); cold start direct ${fmt(median(dr.cold.direct), 1)} ms vs mcp-remote ${fmt(median(dr.cold.viaMcpRemote), 1)} ms (ratio ${cold ? fmt(cold.value) : 'n/a'})`
        : 'n/a',
      status: vsHeld && Number.isFinite(vsHeld.value) ? status(vsHeld.value <= 1.05) : 'N/A',
    });
    const mb = (b?: number) => (b === undefined ? 'n/a' : `${(b / 1048576).toFixed(2)} MB`);
    targets.push({
      id: 'direct.memoryPerApp',
      label: `RSS growth of the pool's process per warm direct app (${dr.memory.apps} apps, after a GC)`,
      goal: '≤ 5 MB per app',
      actual: `${mb(dr.memory.perAppBytes)} RSS per app (${mb(dr.memory.hostGrowthBytes)} for ${dr.memory.apps}; pages freed earlier are reused, so it can be ≈ 0); live JS memory ${mb(dr.memory.livePerAppBytes)} per app; one mcp-remote process: ${mb(dr.memory.mcpRemoteProcessRssBytes)} RSS`,
      status: Number.isFinite(dr.memory.perAppBytes) ? status(dr.memory.perAppBytes <= 5 * 1048576) : 'N/A',
    });
  }

  const md = raw.modern;
  if (md) {
    const vsHeld = get('modern.vsHeld');
    targets.push({
      id: 'modern.warmVsHeld',
      label: 'warm call on a 2026-07-28 direct app vs an SDK v2 client pinned to 2026-07-28, held in this process on the same server',
      goal: 'direct ÷ held ≤ 1.05',
      actual: vsHeld
        ? `${fmt(vsHeld.value)}${ci(vsHeld)}; direct ${fmt(median(md.warm.direct))} ms, held ${fmt(median(md.warm.heldInProcess))} ms; the app negotiated ${md.protocolVersion ?? 'no version'}`
        : 'n/a',
      status: vsHeld && Number.isFinite(vsHeld.value) ? status(vsHeld.value <= 1.05 && md.protocolVersion === '2026-07-28') : 'N/A',
    });
    const methods = Object.entries(md.cold.methods)
      .map(([m, n]) => `${m} ${n}`)
      .join(', ');
    targets.push({
      id: 'modern.coldRoundTrips',
      label: 'requests a new connection to a known 2026-07-28 server sends before the call itself (counted at the server)',
      goal: '0',
      actual: `${md.cold.requestsBeforeCall} (the server saw: ${methods || 'nothing'}); first call ${fmt(md.cold.ms, 1)} ms`,
      status: status(md.cold.requestsBeforeCall === 0),
    });
    const mb = (b: number) => `${(b / 1048576).toFixed(2)} MB`;
    targets.push({
      id: 'remote.defaultMemory',
      label: `memory per warm remote app with default settings (${md.memory.apps} apps, RSS growth of the pool's process and the apps' processes, after a GC)`,
      goal: '≤ 5 MB per app',
      actual: `${mb(md.memory.perAppBytes)} per app (the default transport: ${md.memory.transport}); live JS memory ${mb(md.memory.livePerAppBytes)} per app`,
      status: Number.isFinite(md.memory.perAppBytes) ? status(md.memory.perAppBytes <= 5 * 1048576) : 'N/A',
    });
  }

  targets.push({
    id: 'noLeftovers',
    label: 'child processes of the benchmark left at the end',
    goal: '0',
    actual: String(resources.childProcessesAtEnd),
    status: status(resources.childProcessesAtEnd === 0),
  });
  return targets;
}
