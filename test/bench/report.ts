// The report: the same tables printed to the terminal (aligned text) and written as markdown.
import type { BenchResults } from './results';

interface Table {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns (by index) aligned right; numbers. */
  readonly right?: readonly number[];
  readonly notes?: readonly string[];
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

const ratio = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

function tables(r: BenchResults): Table[] {
  const out: Table[] = [];
  out.push({
    title: 'Latency per variant',
    headers: ['section', 'variant', 'unit', 'n', 'median', 'p95', 'min', 'max'],
    right: [3, 4, 5, 6, 7],
    rows: r.rows.map((row) => [
      row.section,
      row.label,
      row.unit,
      String(row.summary.n),
      formatNumber(row.summary.median),
      formatNumber(row.summary.p95),
      formatNumber(row.summary.min),
      formatNumber(row.summary.max),
    ]),
    notes: [
      'A pooled "command" is one pool.callTool(app, "echo", {text}); tools/list is cached per process by the pool (see the overhead table for its cost).',
      'A one-shot command is spawn + initialize + tools/list + tools/call + close, with the SDK Client over StdioClientTransport.',
      'Every experiment ran interleaved: each round runs every variant once, in Williams-design order (each variant first, and right after each other variant, equally often).',
    ],
  });

  out.push({
    title: 'One process per command: phases (median ms)',
    headers: ['variant', 'spawn+initialize', 'tools/list', 'tools/call', 'close', 'to result', 'total', 'trees killed'],
    right: [1, 2, 3, 4, 5, 6, 7],
    rows: Object.entries(r.oneShotPhases).map(([id, p]) => [
      id,
      formatNumber(p.connectMs.median),
      formatNumber(p.listMs.median),
      formatNumber(p.callMs.median),
      formatNumber(p.closeMs.median),
      formatNumber(p.toResultMs.median),
      formatNumber(p.totalMs.median),
      String(Math.round(p.leftoversKilled.mean * p.leftoversKilled.n)),
    ]),
  });

  out.push({
    title: 'Ratios',
    headers: ['ratio', 'value', '95% CI', 'pairs', 'ratio of medians', 'method'],
    right: [1, 3, 4],
    rows: r.ratios.map((x) => [
      x.label,
      x.unit === 'µs' ? `${formatNumber(x.value)} µs` : ratio(x.value, x.value < 0.1 ? 4 : 3),
      x.paired && Number.isFinite(x.paired.ci95[0])
        ? `${ratio(x.paired.ci95[0], x.value < 0.1 ? 4 : 3)}–${ratio(x.paired.ci95[1], x.value < 0.1 ? 4 : 3)}`
        : '–',
      x.paired ? String(x.paired.pairs) : '–',
      x.paired ? ratio(x.paired.ofMedians, x.value < 0.1 ? 4 : 3) : '–',
      x.method,
    ]),
  });

  const par = r.concurrency.parallel;
  const rr = r.concurrency.roundRobin;
  out.push({
    title: 'Concurrency',
    headers: ['experiment', 'round', 'wall ms', 'one call ms', 'errors', 'pids in results', 'processes in OS table'],
    right: [2, 3, 4, 5, 6],
    rows: [
      ...par.rounds.map((x, i) => [
        `${par.calls} parallel, one app`,
        String(i + 1),
        formatNumber(x.wallMs),
        formatNumber(x.singleMs),
        String(x.errors),
        String(x.pids.length),
        String(x.processes),
      ]),
      [
        `${rr.calls} parallel, round-robin over ${rr.apps} apps`,
        'cold',
        formatNumber(rr.cold.wallMs),
        '–',
        String(rr.cold.errors),
        String(rr.cold.pids.length),
        String(rr.cold.processes),
      ],
      ...rr.warm.map((x, i) => [
        `${rr.calls} parallel, round-robin over ${rr.apps} apps`,
        String(i + 1),
        formatNumber(x.wallMs),
        formatNumber(x.singleMs),
        String(x.errors),
        String(x.pids.length),
        String(x.processes),
      ]),
    ],
    notes: [`Starts per app over the round-robin experiment: ${rr.startsPerApp.join(', ')} (1 each = no restart, no eviction).`],
  });

  const ov = r.overhead;
  const evs = (e: Record<string, number>) =>
    Object.entries(e)
      .map(([k, v]) => `${k} ${formatNumber(v)}`)
      .join(', ') || 'none';
  out.push({
    title: 'Pool bookkeeping per warm call (public API, measured from outside)',
    headers: ['app', 'events per call', 'snapshot µs', 'stderr lines in snapshot', 'redact 1 line µs', 'cached tools/list µs', 'bookkeeping µs/call'],
    right: [2, 3, 4, 5, 6],
    rows: [ov.http, ov.stdio].map((o) => [
      o.app,
      evs(o.eventsPerCall),
      formatNumber(o.snapshotUs),
      String(o.snapshotStderrLines),
      formatNumber(o.redactLineUs),
      formatNumber(o.listToolsCachedUs),
      formatNumber(o.bookkeepingUs),
    ]),
    notes: [
      'bookkeeping = state events × snapshot + stderr events × redact (CPU estimate from tight loops; the diagnostic rows of the ratio table measure the same in real calls).',
    ],
  });

  const res = r.resources;
  out.push({
    title: 'Resources',
    headers: ['what', 'value'],
    right: [1],
    rows: [
      ['peak RSS of the benchmark process (maxRSS)', `${formatNumber(res.peakRssMb)} MB`],
      ['RSS of one pooled mcp-remote process (warm)', res.pooledProcessRssMb !== undefined ? `${formatNumber(res.pooledProcessRssMb)} MB` : '–'],
      ['one-shot process trees that outlived close (killed)', String(res.oneShotLeftoversKilled)],
      ['child processes alive at the end', String(res.childProcessesAtEnd)],
    ],
  });

  out.push({
    title: 'Targets',
    headers: ['target', 'goal', 'actual', 'result'],
    rows: r.targets.map((t) => [t.label, t.goal, t.actual, t.status]),
  });
  return out;
}

function header(r: BenchResults): string[] {
  const m = r.meta;
  return [
    `MCP Remote Pool benchmark — ${m.startedAt}`,
    `Node ${m.node} on ${m.platform}, ${m.cpus} × ${m.cpuModel}; server latency ${m.serverLatencyMs} ms; N = ${String(m.options.n)}; ${String(m.options.warmup)} warm-up calls per variant before each warm-call comparison; runtime ${m.runtimeS.toFixed(0)} s`,
    `npx: ${m.npx.note}`,
    `pool built from ${m.srcCommit ?? 'unknown commit'}; sched_autogroup ${m.schedAutogroup === undefined ? 'n/a' : m.schedAutogroup ? 'on' : 'off'}; load average ${m.loadAverage.start.toFixed(1)} at the start, ${m.loadAverage.end.toFixed(1)} at the end`,
  ];
}

export function renderText(r: BenchResults): string {
  const lines: string[] = [...header(r), ''];
  for (const t of tables(r)) {
    const widths = t.headers.map((h, i) => Math.max(h.length, ...t.rows.map((row) => (row[i] ?? '').length)));
    const cell = (s: string, i: number) => (t.right?.includes(i) ? s.padStart(widths[i]) : s.padEnd(widths[i]));
    lines.push(`== ${t.title}`);
    lines.push(t.headers.map(cell).join('  '));
    lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of t.rows) lines.push(row.map(cell).join('  ').trimEnd());
    for (const n of t.notes ?? []) lines.push(`  ${n}`);
    lines.push('');
  }
  if (r.errors.length) lines.push(`Errors (${r.errors.length}):`, ...r.errors.slice(0, 20).map((e) => `  ${e}`), '');
  return lines.join('\n');
}

export function renderMarkdown(r: BenchResults): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const h = header(r);
  const lines: string[] = [`# ${h[0]}`, '', ...h.slice(1).map((l) => `${l}  `), ''];
  for (const t of tables(r)) {
    lines.push(`## ${t.title}`, '');
    lines.push(`| ${t.headers.map(esc).join(' | ')} |`);
    lines.push(`|${t.headers.map((_, i) => (t.right?.includes(i) ? ' ---: ' : ' --- ')).join('|')}|`);
    for (const row of t.rows) lines.push(`| ${row.map((c, i) => esc(i === 1 && t.title === 'Latency per variant' ? c.replace(/^ +/, '') : c)).join(' | ')} |`);
    if (t.notes?.length) lines.push('', ...t.notes.map((n) => `- ${n}`));
    lines.push('');
  }
  if (r.errors.length) lines.push('## Errors', '', ...r.errors.map((e) => `- ${esc(e)}`), '');
  return lines.join('\n');
}
