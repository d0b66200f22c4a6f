/**
 * The results as tables: plain text for the terminal, Markdown for
 * docs/performance.md. Same rows, same columns.
 */
import type { BenchSettings } from '../settings.js';
import { findRow, type SummaryRow } from './summarize.js';
import { addedLatencyMs, lateOverEarly } from './targets.js';

export type TableFormat = 'text' | 'markdown';

const SCENARIO_ORDER = ['home', 'home-redis', 'small', 'fixed-rate', 'many-clients', 'home-hung', 'hung-fixed-rate'];
const SCENARIO_LABELS: Record<string, string> = {
  home: 'home',
  'home-redis': 'home, Redis on',
  small: 'small',
  'fixed-rate': 'home @ 500 req/s',
  'many-clients': 'many clients',
  'home-hung': 'home, recs hung',
  'hung-fixed-rate': 'recs hung @ 500 req/s',
};
const SERVER_ORDER = ['gateway', 'baseline', 'apollo', 'backends-only'];
const SERVER_LABELS: Record<string, string> = {
  gateway: 'gateway',
  baseline: 'hand-written BFF',
  apollo: 'Apollo Server 5',
  'backends-only': 'backends alone',
};

const num = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const signed = (value: number): string => `${value >= 0 ? '+' : ''}${num(value, 1)}`;

export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], format: TableFormat): string {
  if (format === 'markdown') {
    const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
    return [line(headers), line(headers.map((_, i) => (i < 2 ? '---' : '---:'))), ...rows.map(line)].join('\n');
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** One table per backend latency: rows server × scenario. */
export function resultsTable(rows: readonly SummaryRow[], backendLatencyMs: number, format: TableFormat): string {
  const headers = ['scenario', 'server', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'RSS MB', 'CPU %', 'calls/query', 'non-2xx', 'errors', 'error answers'];
  const cells: string[][] = [];
  for (const scenario of SCENARIO_ORDER) {
    for (const server of SERVER_ORDER) {
      const row = findRow(rows, backendLatencyMs, scenario, server);
      if (row === undefined) continue;
      cells.push([
        SCENARIO_LABELS[scenario] ?? scenario,
        SERVER_LABELS[server] ?? server,
        num(row.reqPerSec, 0),
        num(row.p50, 2),
        num(row.p95, 2),
        num(row.p99, 2),
        num(row.peakRssMb, 0),
        num(row.cpuPercent, 0),
        num(row.callsPerQuery, 2),
        String(row.non2xx),
        String(row.errors),
        String(row.errorAnswers),
      ]);
    }
  }
  return renderTable(headers, cells, format);
}

/** The runs of distinct clients at this backend latency: RSS before and after, early and late medians; null when there are none. */
export function growthTable(rows: readonly SummaryRow[], backendLatencyMs: number, format: TableFormat): string | null {
  const headers = [
    'server',
    'viewers',
    'req/s',
    'RSS start MB',
    'RSS end MB',
    'RSS growth MB',
    'heap growth MB',
    'early p50 ms',
    'late p50 ms',
    'late/early',
    'p99 ms',
    'CPU %',
  ];
  const cells: string[][] = [];
  for (const server of SERVER_ORDER) {
    const row = findRow(rows, backendLatencyMs, 'many-clients', server);
    if (row?.growth === undefined) continue;
    const g = row.growth;
    cells.push([
      SERVER_LABELS[server] ?? server,
      String(g.clients),
      num(row.reqPerSec, 0),
      num(g.rssStartMb, 0),
      num(g.rssEndMb, 0),
      signed(g.rssGrowthMb),
      signed(g.heapEndMb - g.heapStartMb),
      num(g.earlyP50, 2),
      num(g.lateP50, 2),
      num(lateOverEarly(row), 2),
      num(row.p99, 2),
      num(row.cpuPercent, 0),
    ]);
  }
  return cells.length === 0 ? null : renderTable(headers, cells, format);
}

/** Throughput ratios and the added latency at the fixed rate, one line each. */
export function ratioLines(rows: readonly SummaryRow[], backendLatencyMs: number): string[] {
  const lines: string[] = [];
  for (const scenario of ['home', 'home-redis', 'small', 'home-hung']) {
    const gateway = findRow(rows, backendLatencyMs, scenario, 'gateway');
    const baseline = findRow(rows, backendLatencyMs, scenario, 'baseline');
    const apollo = findRow(rows, backendLatencyMs, scenario, 'apollo');
    if (gateway === undefined) continue;
    const parts: string[] = [];
    if (baseline !== undefined) parts.push(`gateway/hand-written ${num(gateway.reqPerSec / baseline.reqPerSec, 2)}×`);
    if (apollo !== undefined) parts.push(`gateway/Apollo ${num(gateway.reqPerSec / apollo.reqPerSec, 2)}×`);
    lines.push(`req/s ${SCENARIO_LABELS[scenario]}: ${parts.join(', ')}`);
  }
  const backends = findRow(rows, backendLatencyMs, 'fixed-rate', 'backends-only');
  if (backends !== undefined) {
    const added = ['gateway', 'baseline', 'apollo'].flatMap((server) => {
      const value = addedLatencyMs(rows, backendLatencyMs, server);
      return value === undefined ? [] : [`${SERVER_LABELS[server]} ${value >= 0 ? '+' : ''}${num(value, 2)} ms`];
    });
    lines.push(`p99 added over the backends alone at 500 req/s (backends p99 ${num(backends.p99, 2)} ms): ${added.join(', ')}`);
  }
  return lines;
}

export function settingsLine(settings: BenchSettings): string {
  const warmUp = settings.warmupSec === settings.rewarmSec ? `${settings.warmupSec} s` : `${settings.warmupSec} s (then ${settings.rewarmSec} s)`;
  return (
    `${settings.connections} connections, ${warmUp} warm-up + ${settings.durationSec} s measured, ` +
    `${settings.rounds} round${settings.rounds === 1 ? '' : 's'} (median)`
  );
}

export function consoleReport(rows: readonly SummaryRow[], settings: BenchSettings): string {
  const parts: string[] = [];
  for (const latency of settings.backendLatenciesMs) {
    parts.push(`\nBackends at ${latency} ms — ${settingsLine(settings)}\n`);
    parts.push(resultsTable(rows, latency, 'text'));
    parts.push('');
    parts.push(...ratioLines(rows, latency));
    const growth = growthTable(rows, latency, 'text');
    if (growth !== null) parts.push('', 'Many clients (each viewer once; RSS and heap after a full GC before and after):', '', growth);
  }
  return parts.join('\n');
}
