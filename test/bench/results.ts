// The shape of one benchmark run: what was measured (raw samples) and what it means (rows of the
// table, ratios, targets). This is what `--json FILE` writes.
import type { RoundRobinResult, ParallelResult } from './concurrency';
import type { DirectResult } from './direct';
import type { ModernResult } from './modern';
import type { GatewayResult } from './gateway';
import type { OneShotTiming } from './oneShot';
import type { OverheadProfile } from './overhead';
import type { PrewarmResult } from './prewarm';
import type { PairedRatio, Summary } from './stats';
import type { WarmResult } from './warmCalls';

export interface RunMeta {
  readonly startedAt: string;
  readonly runtimeS: number;
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly options: Record<string, unknown>;
  readonly serverLatencyMs: number;
  readonly npx: { readonly usable: boolean; readonly note: string; readonly warmupMs?: number };
  /** Linux sched_autogroup: each session (the pool's detached servers) is its own scheduling group. */
  readonly schedAutogroup?: boolean;
  /** 1-minute load average at the start and at the end (other work on the machine adds noise). */
  readonly loadAverage: { readonly start: number; readonly end: number };
  /** The commit of src/ the pool was built from, and whether src/pool had local changes. */
  readonly srcCommit?: string;
}

/** Everything measured, before interpretation. Arrays are per iteration; NaN = that iteration failed. */
export interface RawResults {
  readonly loop: Record<string, number[]>;
  /** Extra interleaved rounds at the terminal (ms): `cli` (a whole mcp-pool call) and `nodeStart` (node -e 0). */
  readonly cliStart: Record<string, number[]>;
  readonly oneShotPhases: Record<string, OneShotTiming[]>;
  readonly heldConnectMs: number;
  /** Warm HTTP calls, interleaved rounds (ms): pooled, held and the diagnostic variants. */
  readonly httpWarm: WarmResult;
  readonly parallel: ParallelResult;
  readonly roundRobin: RoundRobinResult;
  readonly prewarm: PrewarmResult;
  /** Warm stdio calls, interleaved rounds (µs). */
  readonly stdio: WarmResult;
  readonly overheadHttp: OverheadProfile;
  readonly overheadStdio: OverheadProfile;
  /** Warm calls on the pool vs through the gateway (ms), and the gateway's fan-in. */
  readonly gateway?: GatewayResult;
  /** Direct remote apps (no mcp-remote): warm calls against a held in-process client and through mcp-remote, cold starts, memory. */
  readonly direct?: DirectResult;
  readonly modern?: ModernResult;
  readonly pooledPids: number[];
  /** RSS of the pooled mcp-remote process (bytes), while warm. */
  readonly pooledProcessRss?: number;
  readonly oneShotLeftoversKilled: number;
}

export interface Row {
  readonly id: string;
  readonly section: 'HTTP' | 'Direct' | 'CLI' | 'Concurrency' | 'Prewarm' | 'Stdio' | 'Gateway' | 'Modern';
  readonly label: string;
  readonly unit: 'ms' | 'µs';
  readonly summary: Summary;
  /** Plotted in the chart. */
  readonly chart?: { readonly label: string; readonly kind: 'oneshot' | 'pool' | 'floor' | 'parallel' };
}

export interface Ratio {
  readonly id: string;
  readonly label: string;
  readonly value: number;
  /** 'ratio' (a ÷ b) or 'µs' (a − b). */
  readonly unit: 'ratio' | 'µs';
  readonly method: string;
  readonly paired?: PairedRatio;
}

export type TargetStatus = 'PASS' | 'MISS' | 'N/A';

export interface Target {
  readonly id: string;
  readonly label: string;
  readonly goal: string;
  readonly actual: string;
  readonly status: TargetStatus;
}

export interface Resources {
  /** process.resourceUsage().maxRSS of the benchmark process, in MB. */
  readonly peakRssMb: number;
  readonly pooledProcessRssMb?: number;
  /** Descendants of the benchmark process in the OS process table after everything stopped. */
  readonly childProcessesAtEnd: number;
  readonly childProcessesAtEndList: string[];
  readonly oneShotLeftoversKilled: number;
}

export interface BenchResults {
  readonly meta: RunMeta;
  readonly rows: Row[];
  readonly oneShotPhases: Record<string, Record<keyof OneShotTiming, Summary>>;
  readonly ratios: Ratio[];
  readonly targets: Target[];
  readonly concurrency: {
    readonly parallel: ParallelResult;
    readonly roundRobin: RoundRobinResult;
  };
  readonly prewarm: PrewarmResult;
  readonly overhead: { readonly http: OverheadProfile; readonly stdio: OverheadProfile };
  readonly resources: Resources;
  readonly errors: string[];
  readonly failed: boolean;
  readonly raw: RawResults;
}
