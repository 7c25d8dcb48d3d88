// How times and sizes are put into words, once for every place people read them: the sidebar and
// the status bar (views/format.ts), the `mcp-pool` CLI (cli/format.ts) and rendered results
// (src/results). So the terminal and the editor say the same thing about the same app. Pure and
// import-free: the CLI bundles it.

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface DurationOptions {
  /**
   * For a measured piece of work (a call, a prompt), where what happens within a second matters:
   * under a minute in ms or decimal seconds (`412 ms`, `2.35 s`, `12.3 s`), and the seconds of a
   * minute shown (`1 min 5 s`).
   */
  readonly precise?: boolean;
}

/**
 * A length of time, rounded down, in at most two units: `0 s`, `45 s`, `3 min`, `2 h 5 min`,
 * `3 d 4 h`. Precise (see DurationOptions): `412 ms`, `2.35 s`, `12.3 s`, `1 min 5 s`, then the same.
 */
export function formatDuration(ms: number, o: DurationOptions = {}): string {
  const t = Math.max(0, ms);
  if (o.precise && t < MINUTE) return t < SECOND ? `${Math.round(t)} ms` : `${(t / SECOND).toFixed(t < 10 * SECOND ? 2 : 1)} s`;
  if (t < MINUTE) return `${Math.floor(t / SECOND)} s`;
  if (t < HOUR) return withRest(Math.floor(t / MINUTE), 'min', o.precise ? Math.floor((t % MINUTE) / SECOND) : 0, 's');
  if (t < DAY) return withRest(Math.floor(t / HOUR), 'h', Math.floor((t % HOUR) / MINUTE), 'min');
  return withRest(Math.floor(t / DAY), 'd', Math.floor((t % DAY) / HOUR), 'h');
}

function withRest(n: number, unit: string, rest: number, restUnit: string): string {
  return rest ? `${n} ${unit} ${rest} ${restUnit}` : `${n} ${unit}`;
}

/** How long ago `timestamp` was at `now`, as formatDuration says it: `12 s ago`, `3 min ago`, `2 h 5 min ago` (`0 s ago` for the future). */
export function formatAgo(timestamp: number, now: number): string {
  return `${formatDuration(now - timestamp)} ago`;
}

const BYTE_UNITS = ['KB', 'MB', 'GB', 'TB'];

/** Sizes in binary units (1 KB = 1024 B), as most software shows them: `512 B`, `9.8 KB`, `45.2 MB`, `123 MB`, `1.5 GB`; `?` when not a size. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value < 100 ? (Math.round(value * 10) / 10).toFixed(1) : String(Math.round(value));
  return `${shown} ${BYTE_UNITS[unit]}`;
}
