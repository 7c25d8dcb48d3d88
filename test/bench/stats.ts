// Summary statistics for the benchmark: medians, percentiles, and ratios of interleaved pairs.

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

/** Linear-interpolated quantile (q in [0, 1]) of a sample; NaN for an empty sample. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = finite(values).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The finite values of a sample (failed iterations are recorded as NaN). */
export function finite(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v));
}

export function summarize(samples: readonly number[]): Summary {
  const values = finite(samples);
  const n = values.length;
  return {
    n,
    median: median(values),
    p95: quantile(values, 0.95),
    min: n ? Math.min(...values) : NaN,
    max: n ? Math.max(...values) : NaN,
    mean: n ? values.reduce((s, v) => s + v, 0) / n : NaN,
  };
}

/** a[i] / b[i] for every index both samples have (iteration i of A paired with iteration i of B). */
export function pairwiseRatios(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.min(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(a[i]) && Number.isFinite(b[i]) && b[i] > 0) out.push(a[i] / b[i]);
  return out;
}

/** a[i] − b[i] for every index both samples have. */
export function pairwiseDiffs(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.min(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(a[i]) && Number.isFinite(b[i])) out.push(a[i] - b[i]);
  return out;
}

export interface PairedRatio {
  /** Median of the pairwise ratios a[i] / b[i]. */
  readonly median: number;
  /** 95 % bootstrap interval of that median (percentile method, fixed seed). */
  readonly ci95: readonly [number, number];
  /** Ratio of the two medians, for comparison. */
  readonly ofMedians: number;
  readonly pairs: number;
}

export function pairedRatio(a: readonly number[], b: readonly number[]): PairedRatio {
  const ratios = pairwiseRatios(a, b);
  return {
    median: median(ratios),
    ci95: bootstrapMedianCi(ratios),
    ofMedians: median(a) / median(b),
    pairs: ratios.length,
  };
}

/** Percentile bootstrap of the median; deterministic (seeded) so reruns of the report agree. */
export function bootstrapMedianCi(values: readonly number[], resamples = 2000, seed = 0x5eed): [number, number] {
  if (values.length < 2) return [NaN, NaN];
  const rand = mulberry32(seed);
  const medians: number[] = [];
  const sample = new Array<number>(values.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < values.length; i++) sample[i] = values[Math.floor(rand() * values.length)];
    medians.push(median(sample));
  }
  return [quantile(medians, 0.025), quantile(medians, 0.975)];
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Milliseconds elapsed since a `process.hrtime.bigint()` reading, as a float. */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
