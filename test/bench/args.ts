// Command-line options of `npm run bench -- [options]`.

export interface BenchOptions {
  /** Commands per one-shot variant, and pooled / held calls in the interleaved loop. */
  readonly n: number;
  /** Server-side latency added to every tool call, in ms. */
  readonly latencyMs: number;
  /** Extra interleaved warm pairs (pooled, held) on the HTTP path, for the ≤ 1.03 ratio. */
  readonly pairs: number;
  /** Interleaved warm pairs (pooled, held) on the stdio path. */
  readonly stdioIterations: number;
  /** Repetitions of the prewarm experiment (each: two fresh pools, two cold starts). */
  readonly prewarmReps: number;
  /** Interleaved warm rounds (pool, through the gateway) for the gateway's hop. */
  readonly gatewayRounds: number;
  /** Interleaved warm rounds of a direct app (vs held in-process client, vs through mcp-remote). */
  readonly directRounds: number;
  /** Interleaved warm rounds of a modern (2026-07-28) direct app vs a held SDK v2 client. */
  readonly modernRounds: number;
  /** Cold starts of fresh apps, direct and through mcp-remote (each). */
  readonly directColdReps: number;
  /**
   * Calls per variant before each warm-call comparison is measured (HTTP, stdio, gateway, direct):
   * V8 optimizes a function after some hundreds of calls, and until then a longer path (the pool's)
   * pays more for being interpreted than a shorter one (a bare SDK client).
   */
  readonly warmup: number;
  /** Extra interleaved rounds of a whole `mcp-pool call` vs a bare `node -e 0`. */
  readonly cliIterations: number;
  /** Rounds of 100 parallel calls. */
  readonly parallelRounds: number;
  /** Skip the npx variant (e.g. offline machines). */
  readonly skipNpx: boolean;
  readonly json?: string;
  readonly chart: boolean;
  readonly markdown: string;
  readonly svg: string;
}

const USAGE = `usage: npm run bench -- [--n 20] [--latency MS] [--pairs 1000] [--stdio-n 500] [--gateway-n 300] [--direct-n 500] [--direct-cold 10] [--modern-n 500] [--warmup 300]
                       [--prewarm-reps 5] [--cli-n 100] [--parallel-rounds 5] [--no-npx] [--json FILE] [--chart]`;

export function parseArgs(argv: readonly string[]): BenchOptions {
  const opts = {
    n: 20,
    latencyMs: 0,
    pairs: 1000,
    stdioIterations: 500,
    gatewayRounds: 300,
    directRounds: 500,
    directColdReps: 10,
    modernRounds: 500,
    warmup: 300,
    prewarmReps: 5,
    cliIterations: 100,
    parallelRounds: 5,
    skipNpx: false,
    json: undefined as string | undefined,
    chart: false,
    markdown: 'bench-results/latest.md',
    svg: 'docs/bench.svg',
  };
  const numeric: Record<string, keyof typeof opts> = {
    '--n': 'n',
    '--latency': 'latencyMs',
    '--pairs': 'pairs',
    '--stdio-n': 'stdioIterations',
    '--gateway-n': 'gatewayRounds',
    '--direct-n': 'directRounds',
    '--direct-cold': 'directColdReps',
    '--modern-n': 'modernRounds',
    '--warmup': 'warmup',
    '--prewarm-reps': 'prewarmReps',
    '--cli-n': 'cliIterations',
    '--parallel-rounds': 'parallelRounds',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag in numeric) {
      const v = Number(value());
      if (!Number.isFinite(v) || v < 0 || (flag !== '--latency' && (!Number.isInteger(v) || v < 2))) {
        throw new Error(`${flag}: bad value\n${USAGE}`);
      }
      (opts as Record<string, unknown>)[numeric[flag]] = v;
    } else if (flag === '--json') opts.json = value();
    else if (flag === '--chart') opts.chart = true;
    else if (flag === '--no-npx') opts.skipNpx = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
  }
  return opts;
}
