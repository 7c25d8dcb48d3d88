// From raw samples to the rows of the table and the ratios (medians of interleaved pairs).
import type { OneShotTiming } from './oneShot';
import type { Ratio, RawResults, Row } from './results';
import { bootstrapMedianCi, median, pairedRatio, pairwiseDiffs, summarize, type Summary } from './stats';
import { VARIANT_LABELS } from './variants';
import type { WarmVariant } from './warmCalls';

const ONE_SHOT_IDS = ['npx', 'npxOffline', 'bundled'] as const;

const WARM_LABELS: Record<WarmVariant, string> = {
  pooled: 'pool: warm call',
  held: 'floor: held SDK v2 Client (the SDK the pool runs on)',
  pooledQuiet: 'diagnostic: pool with state events switched off',
  heldOwnSession: 'diagnostic: held client, server in its own session (setsid)',
  held1x: 'diagnostic: held SDK 1.x Client (the SDK before v2)',
};

/** Pooled commands 2..N of the loop, aligned with the same iterations of other variants. */
function warmOnly(samples: readonly number[]): number[] {
  return samples.map((v, i) => (i === 0 ? NaN : v));
}

const none: number[] = [];

export function buildRows(raw: RawResults): Row[] {
  const rows: Row[] = [];
  const loop = raw.loop;
  const add = (row: Omit<Row, 'summary'>, samples: readonly number[]) => {
    const summary = summarize(samples);
    if (summary.n > 0) rows.push({ ...row, summary });
  };
  for (const id of ONE_SHOT_IDS) {
    if (!loop[id]) continue;
    const chartLabel = { npx: 'one-shot: npx -y mcp-remote', npxOffline: 'one-shot: npx --prefer-offline', bundled: 'one-shot: bundled mcp-remote' }[id];
    add(
      { id, section: 'HTTP', label: `${VARIANT_LABELS[id]} (spawn+init+list+call+close)`, unit: 'ms', chart: { label: chartLabel, kind: 'oneshot' } },
      loop[id],
    );
    add(
      { id: `${id}.connect`, section: 'HTTP', label: `  └ cold start of that command (spawn + initialize)`, unit: 'ms' },
      raw.oneShotPhases[id].map((t) => t?.connectMs ?? NaN),
    );
  }
  add({ id: 'pooled.cold', section: 'HTTP', label: 'pool: command #1 (cold: starts mcp-remote)', unit: 'ms' }, [loop.pooled[0]]);
  add({ id: 'pooled.warm', section: 'HTTP', label: 'pool: commands #2..N (warm)', unit: 'ms' }, warmOnly(loop.pooled));
  add({ id: 'held', section: 'HTTP', label: 'floor: held SDK Client over one mcp-remote', unit: 'ms' }, loop.held);
  const warmRounds = raw.httpWarm.samples.pooled?.length ?? 0;
  for (const v of ['pooled', 'held', 'pooledQuiet', 'heldOwnSession', 'held1x'] as const) {
    const chart =
      v === 'pooled'
        ? { label: 'pool: warm call', kind: 'pool' as const }
        : v === 'held'
          ? { label: 'floor: held SDK client', kind: 'floor' as const }
          : undefined;
    add(
      { id: `warm.${v}`, section: 'HTTP', label: `${WARM_LABELS[v]}${v === 'pooled' ? ` (${warmRounds} interleaved rounds)` : ''}`, unit: 'ms', chart },
      raw.httpWarm.samples[v] ?? none,
    );
  }

  // At the terminal: a whole `mcp-pool call` process beside the one-shot commands and a bare Node start.
  if (loop.cli)
    add(
      { id: 'cli', section: 'CLI', label: `${VARIANT_LABELS.cli} (main loop)`, unit: 'ms', chart: { label: 'mcp-pool call (whole process)', kind: 'pool' } },
      loop.cli,
    );
  if (loop.nodeStart) add({ id: 'nodeStart', section: 'CLI', label: `${VARIANT_LABELS.nodeStart} (main loop)`, unit: 'ms' }, loop.nodeStart);
  const cs = raw.cliStart;
  if (cs.cli) add({ id: 'cliStart.cli', section: 'CLI', label: `${VARIANT_LABELS.cli} (${cs.cli.length} interleaved rounds)`, unit: 'ms' }, cs.cli);
  if (cs.relay) add({ id: 'cliStart.relay', section: 'CLI', label: `${VARIANT_LABELS.relay} (same rounds)`, unit: 'ms' }, cs.relay);
  if (cs.relayFloor) add({ id: 'cliStart.relayFloor', section: 'CLI', label: `${VARIANT_LABELS.relayFloor} (same rounds)`, unit: 'ms' }, cs.relayFloor);
  if (cs.nodeStart) add({ id: 'cliStart.nodeStart', section: 'CLI', label: `${VARIANT_LABELS.nodeStart} (same rounds)`, unit: 'ms' }, cs.nodeStart);

  const par = raw.parallel.rounds;
  add(
    { id: 'parallel.single', section: 'Concurrency', label: 'one pooled call (before each batch)', unit: 'ms' },
    par.map((r) => r.singleMs),
  );
  add(
    {
      id: 'parallel.wall',
      section: 'Concurrency',
      label: `${raw.parallel.calls} parallel calls, one pooled app (wall)`,
      unit: 'ms',
      chart: { label: '100 parallel calls, 1 app (wall)', kind: 'parallel' },
    },
    par.map((r) => r.wallMs),
  );
  add(
    { id: 'parallel.held', section: 'Concurrency', label: `${raw.parallel.calls} parallel calls, held SDK Client (wall, floor)`, unit: 'ms' },
    par.map((r) => r.heldWallMs ?? NaN),
  );
  const rr = raw.roundRobin;
  add(
    {
      id: 'rr.cold',
      section: 'Concurrency',
      label: `${rr.calls} parallel calls round-robin over ${rr.apps} apps, cold (wall, incl. ${rr.apps} starts)`,
      unit: 'ms',
    },
    [rr.cold.wallMs],
  );
  add(
    {
      id: 'rr.warm',
      section: 'Concurrency',
      label: `${rr.calls} parallel calls round-robin over ${rr.apps} apps, warm (wall)`,
      unit: 'ms',
      chart: { label: '100 parallel calls, 10 apps (wall)', kind: 'parallel' },
    },
    rr.warm.map((r) => r.wallMs),
  );

  const pw = raw.prewarm;
  add(
    {
      id: 'prewarm.off',
      section: 'Prewarm',
      label: 'first command, no prewarm (cold start)',
      unit: 'ms',
      chart: { label: 'pool: first command, cold', kind: 'pool' },
    },
    pw.withoutPrewarm,
  );
  add(
    {
      id: 'prewarm.on',
      section: 'Prewarm',
      label: 'first command after pool.warm() at startup',
      unit: 'ms',
      chart: { label: 'pool: first command, prewarmed', kind: 'pool' },
    },
    pw.withPrewarm,
  );
  add({ id: 'prewarm.warm', section: 'Prewarm', label: '  └ the pool.warm() itself (at startup, in the background)', unit: 'ms' }, pw.warmMs);

  const st = raw.stdio.samples;
  for (const v of ['pooled', 'held', 'pooledQuiet', 'heldOwnSession', 'held1x'] as const) {
    const chart =
      v === 'pooled'
        ? { label: 'stdio: pool warm call', kind: 'pool' as const }
        : v === 'held'
          ? { label: 'stdio: held SDK client', kind: 'floor' as const }
          : undefined;
    add(
      {
        id: `stdio.${v}`,
        section: 'Stdio',
        label: `${WARM_LABELS[v]}${v === 'pooled' ? ` (${st.pooled?.length ?? 0} interleaved rounds)` : ''}`,
        unit: 'µs',
        chart,
      },
      st[v] ?? none,
    );
  }
  add(
    { id: 'stdio.diff', section: 'Stdio', label: "  └ pooled − held, per round (the pool's own cost)", unit: 'µs' },
    pairwiseDiffs(st.pooled ?? none, st.held ?? none),
  );

  const gw = raw.gateway;
  if (gw) {
    add(
      { id: 'gateway.direct', section: 'Gateway', label: `stdio app: warm call on the pool (${gw.samples.direct.length} interleaved rounds)`, unit: 'ms' },
      gw.samples.direct,
    );
    add(
      { id: 'gateway.via', section: 'Gateway', label: 'stdio app: the same call through the gateway (SDK client over HTTP)', unit: 'ms' },
      gw.samples.viaGateway,
    );
    add(
      { id: 'gateway.hop', section: 'Gateway', label: '  └ gateway − pool, per round (the hop)', unit: 'ms' },
      pairwiseDiffs(gw.samples.viaGateway, gw.samples.direct),
    );
    add(
      { id: 'gateway.sdkHttp', section: 'Gateway', label: 'floor: SDK client → SDK McpServer over Streamable HTTP (echo, this process)', unit: 'ms' },
      gw.samples.sdkHttp,
    );
    add(
      {
        id: 'gateway.fanIn',
        section: 'Gateway',
        label: `${gw.fanIn.clients} clients × ${gw.fanIn.callsPerClient} concurrent calls, one app (wall)`,
        unit: 'ms',
      },
      [gw.fanIn.wallMs],
    );
  }
  const md = raw.modern;
  if (md) {
    add(
      {
        id: 'modern.warm',
        section: 'Modern',
        label: `modern (2026-07-28) direct app: warm call on the pool (${md.warm.direct.length} interleaved rounds)`,
        unit: 'ms',
        chart: { label: 'pool: 2026-07-28 direct app, warm call', kind: 'pool' },
      },
      md.warm.direct,
    );
    add({ id: 'modern.held', section: 'Modern', label: 'floor: SDK v2 client pinned to 2026-07-28, held in this process', unit: 'ms' }, md.warm.heldInProcess);
  }
  const dr = raw.direct;
  if (dr) {
    add(
      {
        id: 'direct.warm',
        section: 'Direct',
        label: `direct app: warm call on the pool, no process (${dr.warm.direct.length} interleaved rounds)`,
        unit: 'ms',
        chart: { label: 'pool: direct HTTP app, warm call', kind: 'pool' },
      },
      dr.warm.direct,
    );
    add({ id: 'direct.held', section: 'Direct', label: 'floor: SDK v2 client held in this process on the same server', unit: 'ms' }, dr.warm.heldInProcess);
    add(
      { id: 'direct.held1x', section: 'Direct', label: 'diagnostic: SDK 1.x client held in this process (the SDK before v2)', unit: 'ms' },
      dr.warm.heldInProcess1x ?? none,
    );
    add({ id: 'direct.viaMcpRemote', section: 'Direct', label: 'the same app through mcp-remote (pool, warm)', unit: 'ms' }, dr.warm.viaMcpRemote);
    add(
      {
        id: 'direct.cold',
        section: 'Direct',
        label: `direct app: first call of a fresh app (connect + initialize + call, ${dr.cold.direct.length} reps)`,
        unit: 'ms',
      },
      dr.cold.direct,
    );
    add(
      { id: 'direct.coldViaMcpRemote', section: 'Direct', label: 'through mcp-remote: first call of a fresh app (spawn + initialize + call)', unit: 'ms' },
      dr.cold.viaMcpRemote,
    );
  }
  return rows;
}

export function oneShotPhaseSummaries(raw: RawResults): Record<string, Record<keyof OneShotTiming, Summary>> {
  const out: Record<string, Record<keyof OneShotTiming, Summary>> = {};
  for (const [id, timings] of Object.entries(raw.oneShotPhases)) {
    const keys: (keyof OneShotTiming)[] = ['connectMs', 'listMs', 'callMs', 'closeMs', 'toResultMs', 'totalMs', 'leftoversKilled'];
    out[id] = Object.fromEntries(keys.map((k) => [k, summarize(timings.map((t) => t?.[k] ?? NaN))])) as Record<keyof OneShotTiming, Summary>;
  }
  return out;
}

const PAIRED = 'median of pairwise ratios a[i]/b[i] (interleaved iterations)';

export function buildRatios(raw: RawResults): Ratio[] {
  const ratios: Ratio[] = [];
  const loop = raw.loop;
  const paired = (id: string, label: string, a: readonly number[], b: readonly number[], method = PAIRED) => {
    const p = pairedRatio(a, b);
    if (p.pairs > 0) ratios.push({ id, label, value: p.median, unit: 'ratio', method, paired: p });
  };
  /** Median of a[i] − b[i], in µs (`scale` converts the samples' unit to µs). */
  const diff = (id: string, label: string, a: readonly number[] | undefined, b: readonly number[] | undefined, scale: number) => {
    if (!a || !b) return;
    const d = pairwiseDiffs(a, b).map((v) => v * scale);
    if (d.length === 0) return;
    const ci = bootstrapMedianCi(d);
    ratios.push({ id, label, value: median(d), unit: 'µs', method: `median of pairwise differences; 95% CI ${ci[0].toFixed(1)}…${ci[1].toFixed(1)} µs` });
  };

  const hw = raw.httpWarm.samples;
  paired('pooledVsHeld', 'warm pooled ÷ held client (HTTP)', hw.pooled ?? none, hw.held ?? none);
  paired('pooledVsHeld.loop', 'warm pooled ÷ held client (HTTP, main loop #2..N only)', warmOnly(loop.pooled), loop.held);
  diff('http.diffUs', 'HTTP: pooled − held, µs', hw.pooled, hw.held, 1000);
  if (hw.pooledQuiet) {
    paired('http.stateEvents', 'HTTP diagnostic: pooled ÷ pool without state events', hw.pooled ?? none, hw.pooledQuiet);
    diff('http.stateEventsUs', 'HTTP diagnostic: cost of the state events, µs/call (pooled − quiet pool)', hw.pooled, hw.pooledQuiet, 1000);
  }
  if (hw.heldOwnSession) {
    paired('http.session', 'HTTP diagnostic: held in own session ÷ held', hw.heldOwnSession, hw.held ?? none);
    diff('http.sessionUs', 'HTTP diagnostic: cost of the own session, µs/call (held setsid − held)', hw.heldOwnSession, hw.held, 1000);
    paired(
      'pooledVsHeldOwnSession',
      'warm pooled ÷ held client whose mcp-remote runs in its own session, as the pool runs it (HTTP)',
      hw.pooled ?? none,
      hw.heldOwnSession,
    );
  }
  if (hw.held1x) {
    paired('http.sdk1x', "HTTP diagnostic: held SDK v2 ÷ held SDK 1.x (the SDK's own move)", hw.held ?? none, hw.held1x);
    paired('pooledVsHeld1x', 'warm pooled ÷ held SDK 1.x client (HTTP)', hw.pooled ?? none, hw.held1x);
  }
  if (hw.pooledQuiet && hw.heldOwnSession) {
    paired('http.rest', 'HTTP diagnostic: quiet pool ÷ held in own session (the rest of the pool)', hw.pooledQuiet, hw.heldOwnSession);
  }

  for (const id of ONE_SHOT_IDS) {
    if (!loop[id]) continue;
    paired(
      `pooledVs.${id}`,
      `pooled commands #2..N ÷ ${VARIANT_LABELS[id].replace('one process per command: ', 'one-shot ')}`,
      warmOnly(loop.pooled),
      loop[id],
    );
  }
  const connect = (id: string) => (raw.oneShotPhases[id] ?? []).map((t) => t?.connectMs ?? NaN);
  if (loop.npx) {
    paired('coldStart.bundledVsNpx', 'bundled cold start ÷ npx cold start (spawn + initialize)', connect('bundled'), connect('npx'));
    paired('command.bundledVsNpx', 'bundled one-shot command ÷ npx one-shot command (whole command)', loop.bundled, loop.npx);
  }
  if (loop.cli && loop.npx) paired('cli.vsNpx', 'mcp-pool call (whole process) ÷ npx -y mcp-remote one-shot command', loop.cli, loop.npx);
  // The best any Node CLI could do against the same one-shots: a bare Node start.
  if (loop.nodeStart && loop.npx)
    paired('nodeStart.vsNpx', 'bare node -e 0 ÷ npx -y mcp-remote one-shot command (the floor of cli.vsNpx)', loop.nodeStart, loop.npx);
  if (loop.cli && loop.bundled) paired('cli.vsBundled', 'mcp-pool call (whole process) ÷ bundled mcp-remote one-shot command', loop.cli, loop.bundled);
  if (raw.cliStart.cli && raw.cliStart.nodeStart)
    paired('cli.vsNodeStart', 'mcp-pool call (whole process) ÷ bare node -e 0', raw.cliStart.cli, raw.cliStart.nodeStart);
  if (raw.cliStart.relay && raw.cliStart.nodeStart)
    paired('relay.vsNodeStart', 'mcp-pool stdio session (whole, by an SDK stdio client) ÷ bare node -e 0', raw.cliStart.relay, raw.cliStart.nodeStart);
  if (raw.cliStart.relayFloor && raw.cliStart.nodeStart)
    paired('relayFloor.vsNodeStart', 'the same session with the least SDK v2 stdio server ÷ bare node -e 0', raw.cliStart.relayFloor, raw.cliStart.nodeStart);
  if (raw.cliStart.relay && raw.cliStart.relayFloor)
    paired('relay.vsFloor', 'mcp-pool stdio session ÷ the same session with the least SDK v2 stdio server', raw.cliStart.relay, raw.cliStart.relayFloor);
  if (loop.npxOffline)
    paired('coldStart.bundledVsNpxOffline', 'bundled cold start ÷ npx --prefer-offline cold start', connect('bundled'), connect('npxOffline'));
  paired(
    'pooledCold.vsBundled',
    'pool command #1 (cold) ÷ bundled one-shot command',
    [loop.pooled[0]],
    [loop.bundled?.[0] ?? NaN],
    'single pair (iteration 1)',
  );
  paired(
    'parallel.vsOne',
    `${raw.parallel.calls}-parallel wall ÷ one call (one app)`,
    raw.parallel.rounds.map((r) => r.wallMs),
    raw.parallel.rounds.map((r) => r.singleMs),
    'median over rounds of wall / the single call measured just before it',
  );
  paired(
    'parallel.vsHeld',
    `${raw.parallel.calls}-parallel wall: pooled ÷ held client`,
    raw.parallel.rounds.map((r) => r.wallMs),
    raw.parallel.rounds.map((r) => r.heldWallMs ?? NaN),
    'median over rounds (same round, order alternated)',
  );
  paired(
    'roundRobin.vsOne',
    `${raw.roundRobin.calls}-parallel wall over ${raw.roundRobin.apps} apps (warm) ÷ one call`,
    raw.roundRobin.warm.map((r) => r.wallMs),
    raw.roundRobin.warm.map((r) => r.singleMs),
    'median over rounds of wall / the single call measured just before it',
  );
  paired('prewarm', 'first command with prewarm ÷ without', raw.prewarm.withPrewarm, raw.prewarm.withoutPrewarm, 'median of pairwise ratios per repetition');

  const dr = raw.direct;
  if (dr) {
    paired('direct.vsHeld', 'direct app warm call ÷ SDK v2 client held in this process (same server)', dr.warm.direct, dr.warm.heldInProcess);
    if (dr.warm.heldInProcess1x?.length) {
      paired('direct.vsHeld1x', 'direct app warm call ÷ SDK 1.x client held in this process', dr.warm.direct, dr.warm.heldInProcess1x);
      paired('direct.sdk1x', "held SDK v2 ÷ held SDK 1.x, in this process (the SDK's own move)", dr.warm.heldInProcess, dr.warm.heldInProcess1x);
    }
    paired('direct.vsMcpRemote', 'direct app warm call ÷ the same app through mcp-remote', dr.warm.direct, dr.warm.viaMcpRemote);
    paired(
      'direct.coldVsMcpRemote',
      'direct first call ÷ first call through mcp-remote (fresh apps)',
      dr.cold.direct,
      dr.cold.viaMcpRemote,
      'median of pairwise ratios per repetition (order alternated)',
    );
  }

  const md = raw.modern;
  if (md)
    paired(
      'modern.vsHeld',
      'modern (2026-07-28) direct app warm call ÷ SDK v2 client held in this process (same server)',
      md.warm.direct,
      md.warm.heldInProcess,
    );

  const st = raw.stdio.samples;
  paired('stdio.pooledVsHeld', 'stdio: warm pooled ÷ held client', st.pooled ?? none, st.held ?? none);
  diff('stdio.diffUs', 'stdio: pool overhead per call, µs (pooled − held)', st.pooled, st.held, 1);
  diff('stdio.stateEventsUs', 'stdio diagnostic: cost of the state events, µs/call (pooled − quiet pool)', st.pooled, st.pooledQuiet, 1);
  diff('stdio.sessionUs', 'stdio diagnostic: cost of the own session, µs/call (held setsid − held)', st.heldOwnSession, st.held, 1);
  diff('stdio.sdk1xUs', "stdio diagnostic: the SDK's own move, µs/call (held v2 − held 1.x)", st.held, st.held1x, 1);
  diff('stdio.diff1xUs', 'stdio: pooled − held SDK 1.x, µs/call', st.pooled, st.held1x, 1);
  diff('stdio.restUs', 'stdio diagnostic: the rest of the pool, µs/call (quiet pool − held setsid)', st.pooledQuiet, st.heldOwnSession, 1);
  return ratios;
}
