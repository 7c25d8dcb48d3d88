// A hand-written SVG bar chart of the median latency per variant (log scale), for the README and docs/benchmark.md.
// Opaque white card with dark text, so it reads the same in GitHub's light and dark themes.
import type { BenchResults, Row } from './results';

const COLORS: Record<NonNullable<Row['chart']>['kind'], string> = {
  oneshot: '#d9480f',
  pool: '#1971c2',
  parallel: '#2f9e44',
  floor: '#868e96',
};
const LEGEND: [NonNullable<Row['chart']>['kind'], string][] = [
  ['oneshot', 'one process per command'],
  ['pool', 'pool'],
  ['parallel', 'pool, 100 calls at once'],
  ['floor', 'held SDK client (floor)'],
];

const FONT = 'font-family="-apple-system, BlinkMacSystemFont, \'Segoe UI\', Helvetica, Arial, sans-serif"';

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** "12.3 ms", "1.85 s", "84 µs". */
export function formatDuration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 1 : 2)} s`;
  if (ms >= 1) return `${ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)} ms`;
  const us = ms * 1000;
  return `${us >= 100 ? us.toFixed(0) : us.toFixed(1)} µs`;
}

function tickLabel(ms: number): string {
  if (ms >= 1000) return `${ms / 1000} s`;
  if (ms >= 1) return `${ms} ms`;
  return `${Math.round(ms * 1000)} µs`;
}

/** The headline ratios, under the chart, wrapped into lines of at most ~110 characters. */
function keyRatios(r: BenchResults): string[] {
  const get = (id: string) => r.ratios.find((x) => x.id === id)?.value;
  const parts: string[] = [];
  const warm = get('pooledVsHeld');
  if (warm !== undefined) parts.push(`warm pooled ÷ held client: ${warm.toFixed(3)}`);
  const npx = get('pooledVs.npx') ?? get('pooledVs.bundled');
  if (npx !== undefined)
    parts.push(`commands 2..N: ${((1 - npx) * 100).toFixed(1)} % faster than ${get('pooledVs.npx') !== undefined ? 'npx' : 'bundled'} one-shot`);
  const cold = get('coldStart.bundledVsNpx');
  if (cold !== undefined) parts.push(`bundled cold start ${(1 / cold).toFixed(1)}× faster than npx`);
  const stdio = get('stdio.diffUs');
  if (stdio !== undefined) parts.push(`pool overhead ≈ ${Math.round(stdio)} µs/call (stdio)`);
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + part.length + 5 <= 110) lines[last] += `  ·  ${part}`;
    else lines.push(part);
  }
  return lines;
}

export function renderChart(r: BenchResults): string {
  const bars = r.rows
    .filter((row) => row.chart && Number.isFinite(row.summary.median))
    .map((row) => {
      const k = row.unit === 'µs' ? 1 / 1000 : 1;
      return { label: row.chart!.label, kind: row.chart!.kind, median: row.summary.median * k, p95: row.summary.p95 * k, n: row.summary.n };
    })
    .sort((a, b) => b.median - a.median);

  const width = 960;
  const left = 300;
  const right = 90;
  const top = 92;
  const rowH = 30;
  const barH = 18;
  const plotW = width - left - right;
  const footer = keyRatios(r);
  const height = top + bars.length * rowH + 86 + footer.length * 20;

  const lo = 10 ** Math.floor(Math.log10(Math.min(...bars.map((b) => b.median))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...bars.map((b) => Math.max(b.median, b.p95)))));
  const x = (ms: number) => left + ((Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotW;

  const m = r.meta;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="MCP Remote Pool benchmark: median latency per variant">`,
  );
  out.push(`<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="10" fill="#ffffff" stroke="#d0d7de"/>`);
  out.push(`<text x="24" y="34" ${FONT} font-size="19" font-weight="600" fill="#1f2328">MCP Remote Pool — median latency per variant (lower is better)</text>`);
  out.push(
    `<text x="24" y="58" ${FONT} font-size="13" fill="#57606a">${escapeXml(
      `Log scale. Bar = median, whisker = p95. Local Streamable HTTP server (server latency ${m.serverLatencyMs} ms), mcp-remote 0.15.1, Node ${m.node}, ${m.cpus} CPUs, N = ${String(m.options.n)}.`,
    )}</text>`,
  );

  // decade grid
  const plotBottom = top + bars.length * rowH;
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    const gx = x(d).toFixed(1);
    out.push(`<line x1="${gx}" y1="${top - 8}" x2="${gx}" y2="${plotBottom}" stroke="#d8dee4" stroke-width="1"/>`);
    out.push(`<text x="${gx}" y="${plotBottom + 18}" ${FONT} font-size="12" fill="#57606a" text-anchor="middle">${escapeXml(tickLabel(d))}</text>`);
  }

  bars.forEach((b, i) => {
    const y = top + i * rowH + (rowH - barH) / 2;
    const cy = (y + barH / 2).toFixed(1);
    const x0 = x(lo);
    const x1 = x(b.median);
    out.push(
      `<text x="${left - 10}" y="${(y + barH / 2 + 4.5).toFixed(1)}" ${FONT} font-size="13" fill="#1f2328" text-anchor="end">${escapeXml(b.label)}</text>`,
    );
    out.push(`<rect x="${x0.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${barH}" rx="3" fill="${COLORS[b.kind]}"/>`);
    if (Number.isFinite(b.p95) && b.p95 > b.median && b.n > 1) {
      const xp = x(b.p95).toFixed(1);
      out.push(`<line x1="${x1.toFixed(1)}" y1="${cy}" x2="${xp}" y2="${cy}" stroke="#1f2328" stroke-width="1.2"/>`);
      out.push(`<line x1="${xp}" y1="${(y + 4).toFixed(1)}" x2="${xp}" y2="${(y + barH - 4).toFixed(1)}" stroke="#1f2328" stroke-width="1.2"/>`);
    }
    const labelX = Math.max(x1, Number.isFinite(b.p95) && b.n > 1 ? x(b.p95) : x1) + 6;
    out.push(
      `<text x="${labelX.toFixed(1)}" y="${(y + barH / 2 + 4.5).toFixed(1)}" ${FONT} font-size="12.5" font-weight="600" fill="#1f2328">${escapeXml(formatDuration(b.median))}</text>`,
    );
  });

  // legend
  let lx = left;
  const ly = plotBottom + 44;
  for (const [kind, text] of LEGEND) {
    if (!bars.some((b) => b.kind === kind)) continue;
    out.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" rx="2" fill="${COLORS[kind]}"/>`);
    out.push(`<text x="${lx + 18}" y="${ly}" ${FONT} font-size="12.5" fill="#1f2328">${escapeXml(text)}</text>`);
    lx += 40 + text.length * 7.2;
  }
  footer.forEach((line, i) => out.push(`<text x="24" y="${ly + 30 + i * 20}" ${FONT} font-size="13" fill="#1f2328">${escapeXml(line)}</text>`));
  out.push('</svg>');
  return out.join('\n') + '\n';
}
