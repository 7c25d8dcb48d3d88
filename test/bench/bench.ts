// `npm run bench`: what keeping MCP server processes warm buys, against a real local Streamable
// HTTP MCP server. See test/bench/README.md for what is measured and how to read the report.
//
// Exit code: 0 when the benchmark ran (even if a target is missed: it is a report), 1 when the
// benchmark itself failed (errors in measured calls, processes left behind, a crash).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Gateway } from '../../src/gateway/gateway';
import { treeRss, type Pool } from '../../src/pool';
import { BUNDLED_MCP_REMOTE, ECHO_V2_FIXTURE, HTTP_FIXTURE, STDIO_FIXTURE } from '../fixtures/paths';
import { descendantsOf, listProcesses } from '../fixtures/processTable';
import { buildRatios, buildRows, oneShotPhaseSummaries } from './analysis';
import { parseArgs } from './args';
import { renderChart } from './chart';
import { parallelOnOneApp, roundRobinOverApps } from './concurrency';
import { cliCallStep, CLI_SCRIPT, nodeStartStep, relayFloorStep, relayOneShotStep, terminalEnv } from './cliStart';
import { autogroupEnabled, inOwnSession, silenceStateEvents } from './diagnostics';
import { type HeldClient, openHeldClient } from './heldClient';
import { type HttpServer, startHttpServer } from './httpServer';
import { interleave, type Step } from './interleave';
import { bundledOneShotLauncher, npxLauncher, type OneShotTiming, runOneShot } from './oneShot';
import { profileOverhead } from './overhead';
import { makeBenchPool, remoteApp } from './pooled';
import { measurePrewarm } from './prewarm';
import { renderMarkdown, renderText } from './report';
import type { BenchResults, RawResults, Resources, RunMeta } from './results';
import { measureStdioFloor, STDIO_APP } from './stdioFloor';
import { measureDirect } from './direct';
import { measureModern } from './modern';
import { measureGateway } from './gateway';
import { checkTargets } from './targets';
import { heldStep, oneShotStep, pooledStep, type VariantId } from './variants';
import { measureWarmCalls } from './warmCalls';

const WATCHDOG_MS = 20 * 60_000;
const progress = (s: string) => process.stderr.write(`[bench] ${s}\n`);

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const loadAtStart = loadavg()[0];
  const t0 = Date.now();
  for (const [what, file] of [
    ['bundled mcp-remote', BUNDLED_MCP_REMOTE],
    ['HTTP fixture', HTTP_FIXTURE],
    ['stdio fixture', STDIO_FIXTURE],
    ['SDK v2 echo fixture', ECHO_V2_FIXTURE],
    ['mcp-pool CLI', CLI_SCRIPT],
  ]) {
    if (!existsSync(file)) throw new Error(`${what} not built: ${file} (run node esbuild.mjs)`);
  }
  const runId = `bench-${randomUUID().slice(0, 8)}`;
  // mcp-remote keeps an auth cache under HOME: never the real one.
  const home = mkdtempSync(join(tmpdir(), 'mcp-pool-bench-home-'));
  const errors: string[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((e: Error) => errors.push(`cleanup: ${e.message}`));
  };
  const watchdog = setTimeout(() => {
    progress(`watchdog: still running after ${WATCHDOG_MS / 60_000} min, giving up`);
    void cleanup().finally(() => process.exit(1));
  }, WATCHDOG_MS);
  watchdog.unref();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      progress(`${sig}: stopping everything`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    progress(`run ${runId}: starting the HTTP fixture (latency ${opts.latencyMs} ms)`);
    const server: HttpServer = await startHttpServer(opts.latencyMs);
    cleanups.push(() => server.stop());

    // ---- warm-ups: npx may download mcp-remote from the registry the first time -------------
    let npxMeta: RunMeta['npx'] = { usable: false, note: 'skipped (--no-npx)' };
    if (!opts.skipNpx) {
      progress('warming the npx cache (the first npx run may download mcp-remote)…');
      const t = Date.now();
      try {
        await runOneShot(npxLauncher(home), server.marked(`${runId}-npxwarm`), `${runId}-npxwarm`);
        npxMeta = {
          usable: true,
          warmupMs: Date.now() - t,
          note: `usable; cache warmed in ${Date.now() - t} ms before measuring. Plain npx still revalidates the mcp-remote packument with the registry on every run; --prefer-offline does not.`,
        };
      } catch (e) {
        npxMeta = { usable: false, note: `NOT usable, npx variants skipped: ${(e as Error).message.split('\n')[0]}` };
        progress(`npx is not usable: ${(e as Error).message}`);
      }
    }
    await runOneShot(bundledOneShotLauncher(BUNDLED_MCP_REMOTE, home), server.marked(`${runId}-bundledwarm`), `${runId}-bundledwarm`);

    // ---- the floor and the pool ------------------------------------------------------------
    const held: HeldClient = await openHeldClient(process.execPath, [BUNDLED_MCP_REMOTE, server.marked(`${runId}-held`)], { HOME: home });
    cleanups.push(() => held.close());
    const pool: Pool = makeBenchPool();
    cleanups.push(async () => {
      await pool.shutdown();
      pool.dispose();
    });
    const poolMarker = `${runId}-pool`;
    // `mcp-pool call` runs against its own app of the same pool (so the pool's command #1 stays
    // the cold one), warm before the loop, through a gateway as the editor runs it.
    await pool.configure([remoteApp('bench', server.marked(poolMarker), home), remoteApp('cli', server.marked(`${runId}-cli`), home)]);
    const cliGateway = new Gateway({ pool, window: { name: 'bench', startedAt: Date.now() } });
    await cliGateway.start();
    cleanups.push(async () => {
      await cliGateway.close();
      cliGateway.dispose();
    });
    await pool.warm('cli');
    await pool.listTools('cli');
    const cliEnv = terminalEnv(cliGateway.url, cliGateway.token);

    // ---- 1–3: interleaved loop --------------------------------------------------------------
    const phases: Record<string, OneShotTiming[]> = {};
    let leftoversKilled = 0;
    const onLeftovers = (n: number) => (leftoversKilled += n);
    const steps: Step[] = [];
    const oneShot = (id: VariantId, launcher: Parameters<typeof oneShotStep>[1]) => {
      phases[id] = [];
      steps.push(oneShotStep(id, launcher, server, runId, phases[id], onLeftovers));
    };
    if (npxMeta.usable) {
      oneShot('npx', npxLauncher(home));
      oneShot('npxOffline', npxLauncher(home, { preferOffline: true }));
    }
    oneShot('bundled', bundledOneShotLauncher(BUNDLED_MCP_REMOTE, home));
    const pooledPids = new Set<number>();
    steps.push(pooledStep(pool, 'bench', pooledPids), heldStep(held), cliCallStep(cliEnv, 'cli'), nodeStartStep());
    progress(`interleaved loop: ${opts.n} iterations × ${steps.map((s) => s.id).join(', ')}`);
    const loop = await interleave(opts.n, steps, async (i) => {
      // After the cold first command, list tools once (untimed), as the held client did, so both
      // sides validate echo's structured output the same way on every later call.
      if (i === 0) await pool.listTools('bench');
      if ((i + 1) % 5 === 0 || i === opts.n - 1) progress(`  iteration ${i + 1}/${opts.n} (${Math.round((Date.now() - t0) / 1000)} s)`);
    });
    errors.push(...loop.errors);

    // At the terminal: many more rounds of a whole `mcp-pool call` vs a bare `node -e 0` (cheap
    // enough to repeat), for the ≤ 1.5 × target.
    progress(
      `CLI: ${opts.cliIterations} interleaved rounds of mcp-pool call, a whole mcp-pool stdio session, the same with a bare SDK v2 server, and node -e 0`,
    );
    const cliStart = await interleave(opts.cliIterations, [cliCallStep(cliEnv, 'cli'), relayOneShotStep(cliEnv, 'cli'), relayFloorStep(), nodeStartStep()]);
    errors.push(...cliStart.errors.map((e) => `cli start: ${e}`));

    // Warm calls, many interleaved rounds: pool vs held client, plus two diagnostic variants that
    // take one difference away each (state events off; held client's server in its own session).
    const quietPool = silenceStateEvents(makeBenchPool());
    cleanups.push(async () => {
      await quietPool.shutdown();
      quietPool.dispose();
    });
    await quietPool.configure([remoteApp('bench', server.marked(`${runId}-quiet`), home)]);
    await quietPool.listTools('bench');
    const ownSession = inOwnSession(process.execPath, [BUNDLED_MCP_REMOTE, server.marked(`${runId}-heldsid`)]);
    const heldOwnSession = ownSession ? await openHeldClient(ownSession[0], ownSession[1], { HOME: home }) : undefined;
    if (heldOwnSession) cleanups.push(() => heldOwnSession.close());
    const held1x = await openHeldClient(process.execPath, [BUNDLED_MCP_REMOTE, server.marked(`${runId}-held1x`)], { HOME: home }, '1.x');
    cleanups.push(() => held1x.close());
    progress(`HTTP: ${opts.pairs} interleaved rounds of warm calls (pooled, held, diagnostics)`);
    const httpWarm = await measureWarmCalls({ pool, app: 'bench', held, quietPool, heldOwnSession, held1x }, opts.pairs, 1, opts.warmup);
    errors.push(...httpWarm.errors);
    await heldOwnSession?.close();
    await held1x.close();
    await quietPool.shutdown();

    progress('HTTP: pool bookkeeping profile');
    const overheadHttp = await profileOverhead(pool, 'bench');
    const pooledPid = pool.snapshot('bench')?.pid;
    const pooledProcessRss = pooledPid ? treeRss(pooledPid) : undefined;

    // ---- 4: concurrency ---------------------------------------------------------------------
    progress(`concurrency: ${opts.parallelRounds} rounds of 100 parallel calls on one app`);
    const parallel = await parallelOnOneApp(pool, 'bench', poolMarker, held, opts.parallelRounds);
    errors.push(...parallel.errorMessages.map((m) => `parallel: ${m}`));
    await held.close();
    await pool.shutdown();
    pool.dispose();

    progress('concurrency: 100 parallel calls round-robin over 10 apps');
    const roundRobin = await roundRobinOverApps(server.marked(`${runId}-rr`), `${runId}-rr`, home, opts.parallelRounds);
    errors.push(...roundRobin.errorMessages.map((m) => `round-robin: ${m}`));
    const rrRounds = [roundRobin.cold, ...roundRobin.warm];
    if (rrRounds.some((r) => r.pids.length !== roundRobin.apps))
      errors.push(`round-robin: expected ${roundRobin.apps} processes, saw ${rrRounds.map((r) => r.pids.length).join('/')}`);

    // ---- prewarm ----------------------------------------------------------------------------
    progress(`prewarm: ${opts.prewarmReps} repetitions with and without`);
    const prewarm = await measurePrewarm((marker) => server.marked(marker), runId, home, opts.prewarmReps);
    errors.push(...prewarm.errors);
    if (!prewarm.coldFlagsOk) errors.push('prewarm: a first call reported the wrong cold/warm flag');

    // ---- 5: stdio floor ---------------------------------------------------------------------
    progress(`stdio floor: ${opts.stdioIterations} interleaved rounds, pooled vs held (+ diagnostics)`);
    const stdioPool = makeBenchPool();
    const stdioQuietPool = makeBenchPool();
    cleanups.push(async () => {
      await Promise.all([stdioPool.shutdown(), stdioQuietPool.shutdown()]);
      stdioPool.dispose();
      stdioQuietPool.dispose();
    });
    const stdio = await measureStdioFloor(stdioPool, stdioQuietPool, `--mark=${runId}-stdio`, opts.stdioIterations, opts.warmup);
    errors.push(...stdio.errors);
    const overheadStdio = await profileOverhead(stdioPool, STDIO_APP);

    // ---- the gateway's hop and fan-in ----------------------------------------------------------
    progress(`gateway: ${opts.gatewayRounds} interleaved rounds (pool vs through the gateway), then 10 clients × 100 calls`);
    const gatewayPool = makeBenchPool();
    cleanups.push(async () => {
      await gatewayPool.shutdown();
      gatewayPool.dispose();
    });
    const gateway = await measureGateway(gatewayPool, `--mark=${runId}-gateway`, opts.gatewayRounds, opts.warmup);
    errors.push(...gateway.errors);
    await gatewayPool.shutdown();

    // ---- direct remote apps (no mcp-remote) ------------------------------------------------------
    progress(
      `direct: ${opts.directRounds} interleaved warm rounds (direct, held in-process, through mcp-remote), ${opts.directColdReps} cold starts each, memory of 10 apps`,
    );
    const direct = await measureDirect((marker) => server.marked(marker), runId, home, opts.directRounds, opts.directColdReps, opts.warmup);
    errors.push(...direct.errors);

    // ---- 2026-07-28 remotes: warm vs a held v2 client, cold round trips, default memory -------------
    progress(`modern: ${opts.modernRounds} interleaved warm rounds (direct app, held v2 client), a cold start's requests, memory of 10 default remote apps`);
    const modern = await measureModern(opts.modernRounds, opts.warmup);
    errors.push(...modern.errors);

    // ---- stop everything, then count what is left ---------------------------------------------
    await cleanup();
    const left = await childrenAfterStop();
    if (left.length) errors.push(`${left.length} child process(es) still alive at the end: ${left.join('; ')}`);
    rmSync(home, { recursive: true, force: true });

    const raw: RawResults = {
      loop: loop.samples,
      cliStart: cliStart.samples,
      oneShotPhases: phases,
      heldConnectMs: held.connectMs,
      httpWarm,
      parallel,
      roundRobin,
      prewarm,
      stdio,
      overheadHttp,
      overheadStdio,
      gateway,
      direct,
      modern,
      pooledPids: [...pooledPids],
      pooledProcessRss,
      oneShotLeftoversKilled: leftoversKilled,
    };
    if (pooledPids.size !== 1) errors.push(`the pooled app used ${pooledPids.size} processes during the loop (expected 1: no restarts)`);
    const resources: Resources = {
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      pooledProcessRssMb: pooledProcessRss !== undefined ? pooledProcessRss / 1024 / 1024 : undefined,
      childProcessesAtEnd: left.length,
      childProcessesAtEndList: left,
      oneShotLeftoversKilled: leftoversKilled,
    };
    const ratios = buildRatios(raw);
    const results: BenchResults = {
      meta: {
        startedAt: startedAt.toISOString(),
        runtimeS: (Date.now() - t0) / 1000,
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
        options: { ...opts },
        serverLatencyMs: opts.latencyMs,
        npx: npxMeta,
        schedAutogroup: autogroupEnabled(),
        loadAverage: { start: loadAtStart, end: loadavg()[0] },
        srcCommit: srcCommit(),
      },
      rows: buildRows(raw),
      oneShotPhases: oneShotPhaseSummaries(raw),
      ratios,
      targets: checkTargets(raw, ratios, resources, npxMeta.usable),
      concurrency: { parallel, roundRobin },
      prewarm,
      overhead: { http: overheadHttp, stdio: overheadStdio },
      resources,
      errors,
      failed: errors.length > 0,
      raw,
    };

    console.log(renderText(results));
    write(opts.markdown, renderMarkdown(results));
    progress(`markdown written to ${opts.markdown}`);
    if (opts.json) {
      write(opts.json, JSON.stringify(results, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
      progress(`JSON written to ${opts.json}`);
    }
    if (opts.chart) {
      write(opts.svg, renderChart(results));
      progress(`chart written to ${opts.svg}`);
    }
    progress(`done in ${Math.round((Date.now() - t0) / 1000)} s${results.failed ? ` — FAILED (${errors.length} error(s))` : ''}`);
    return results.failed ? 1 : 0;
  } finally {
    await cleanup();
    clearTimeout(watchdog);
  }
}

/** Descendants of this process once everything was stopped (waits up to 5 s for stragglers). */
async function childrenAfterStop(): Promise<string[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const pids = descendantsOf(process.pid);
    if (pids.length === 0 || Date.now() >= deadline) {
      const table = new Map(listProcesses().map((p) => [p.pid, p.cmdline]));
      return pids.map((p) => `${p} ${table.get(p) ?? ''}`.trim());
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** HEAD of the repository, marked "+local changes" when src/pool differs from it. */
function srcCommit(): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src/pool'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} + local changes in src/pool` : head;
  } catch {
    return undefined;
  }
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    progress(`benchmark failed: ${(e as Error)?.stack ?? String(e)}`);
    process.exit(1);
  },
);
