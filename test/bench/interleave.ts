// Round-robin execution: iteration i runs every variant once, so slow moments of the machine
// (other processes, GC, disk) hit all variants alike, and iteration i of one variant can be paired
// with iteration i of another. The order within an iteration follows a Williams design: over a
// full cycle of orders every variant runs first equally often and directly after every other
// variant equally often. (A plain rotation would not do: it always puts B right after A, and the
// work A leaves behind — a process exiting, stderr still being relayed — would always land on B.)

export interface Step {
  readonly id: string;
  /** Runs iteration i; resolves to its duration (any unit, consistent per step). */
  run(i: number): Promise<number>;
}

export interface InterleavedResult {
  /** Per step: one duration per iteration, NaN where that iteration failed. */
  readonly samples: Record<string, number[]>;
  readonly errors: string[];
}

/**
 * Orders of a Williams design for n treatments: n orders when n is even, 2n when n is odd (each
 * order and its reverse). Each treatment is first-order balanced against every other.
 */
export function williamsOrders(n: number): number[][] {
  if (n <= 1) return [[0]];
  const first: number[] = [];
  for (let k = 0, lo = 0, hi = n - 1; k < n; k++) first.push(k % 2 === 0 ? lo++ : hi--);
  // first = 0, n-1, 1, n-2, … ; every row adds r (mod n)
  const rows = Array.from({ length: n }, (_, r) => first.map((v) => (v + r) % n));
  return n % 2 === 0 ? rows : [...rows, ...rows.map((row) => [...row].reverse())];
}

export async function interleave(iterations: number, steps: readonly Step[], onIteration?: (i: number) => void | Promise<void>): Promise<InterleavedResult> {
  const samples: Record<string, number[]> = Object.fromEntries(steps.map((s) => [s.id, [] as number[]]));
  const errors: string[] = [];
  const orders = williamsOrders(steps.length);
  for (let i = 0; i < iterations; i++) {
    for (const k of orders[i % orders.length]) {
      const step = steps[k];
      try {
        samples[step.id][i] = await step.run(i);
      } catch (e) {
        samples[step.id][i] = NaN;
        errors.push(`${step.id} #${i}: ${(e as Error).message}`);
      }
    }
    await onIteration?.(i);
  }
  return { samples, errors };
}
