import { describe, expect, it } from 'vitest';
import { growthTable, ratioLines, renderTable, resultsTable, settingsLine } from '../../../../bench/report/report.js';
import type { SummaryRow } from '../../../../bench/report/summarize.js';
import { parseSettings } from '../../../../bench/settings.js';
import { fullRun, growth, row } from '../fixtures/measurements.js';

describe('renderTable', () => {
  it('Markdown: the first two columns left-aligned, the numbers right-aligned', () => {
    expect(renderTable(['scenario', 'server', 'req/s'], [['home', 'gateway', '1500']], 'markdown')).toBe(
      ['| scenario | server | req/s |', '| --- | --- | ---: |', '| home | gateway | 1500 |'].join('\n'),
    );
  });

  it('text: columns as wide as their widest cell, numbers padded on the left', () => {
    expect(renderTable(['scenario', 'server', 'req/s'], [['home', 'gateway', '1500'], ['small', 'apollo', '7']], 'text')).toBe(
      ['scenario  server   req/s', '--------  -------  -----', 'home      gateway   1500', 'small     apollo       7'].join('\n'),
    );
  });
});

describe('resultsTable', () => {
  it('one line per scenario × server of that backend latency, in report order, with labels', () => {
    const rows = [
      row('small', 'gateway'),
      row('fixed-rate', 'backends-only', { p99: 4 }),
      row('home', 'apollo'),
      row('home', 'gateway', { reqPerSec: 1499.6, p50: 1.234, p95: 2.345, p99: 3.456, peakRssMb: 150.4, cpuPercent: 99.5, callsPerQuery: 1.005 }),
      row('home', 'gateway', { backendLatencyMs: 5 }),
    ];
    const lines = resultsTable(rows, 0, 'markdown').split('\n');
    expect(lines[0]).toBe('| scenario | server | req/s | p50 ms | p95 ms | p99 ms | RSS MB | CPU % | calls/query | non-2xx | errors | error answers |');
    expect(lines.slice(2)).toEqual([
      '| home | gateway | 1500 | 1.23 | 2.35 | 3.46 | 150 | 100 | 1.00 | 0 | 0 | 0 |',
      '| home | Apollo Server 5 | 1000 | 5.00 | 10.00 | 20.00 | 150 | 95 | 1.00 | 0 | 0 | 0 |',
      '| small | gateway | 1000 | 5.00 | 10.00 | 20.00 | 150 | 95 | 1.00 | 0 | 0 | 0 |',
      '| home @ 500 req/s | backends alone | 1000 | 5.00 | 10.00 | 4.00 | 150 | 95 | 1.00 | 0 | 0 | 0 |',
    ]);
  });

  it('shows a figure that was not measured (NaN, or null read back from JSON) as –', () => {
    const fromJson = JSON.parse(JSON.stringify(row('home', 'gateway', { p99: Number.NaN, callsPerQuery: Number.NaN }))) as SummaryRow;
    expect(resultsTable([fromJson], 0, 'markdown').split('\n')[2]).toBe('| home | gateway | 1000 | 5.00 | 10.00 | – | 150 | 95 | – | 0 | 0 | 0 |');
  });
});

describe('ratioLines', () => {
  it("the gateway's throughput over the others' per scenario, and each server's p99 over the backends alone", () => {
    const rows = [...fullRun(), row('fixed-rate', 'baseline', { p99: 4.5 }), row('small', 'baseline', { reqPerSec: 4000 })];
    expect(ratioLines(rows, 0)).toEqual([
      'req/s home: gateway/hand-written 0.50×, gateway/Apollo 1.50×',
      'req/s home, Redis on: gateway/hand-written 0.40×, gateway/Apollo 1.20×',
      'req/s small: gateway/hand-written 0.25×',
      'req/s home, recs hung: ',
      'p99 added over the backends alone at 500 req/s (backends p99 4.00 ms): gateway +5.00 ms, hand-written BFF +0.50 ms',
    ]);
  });

  it('nothing for a backend latency without rows', () => {
    expect(ratioLines(fullRun(), 5)).toEqual([]);
  });
});

describe('growthTable', () => {
  it('the many-clients rows: RSS and heap before and after, early and late medians and their ratio', () => {
    const rows = [row('many-clients', 'gateway', { reqPerSec: 250, p99: 12.5, cpuPercent: 60, growth: growth(-2.04, 4, 5, 180) }), row('home', 'gateway')];
    expect(growthTable(rows, 0, 'markdown')!.split('\n').slice(2)).toEqual(['| gateway | 20000 | 250 | 180 | 178 | -2.0 | +5.0 | 4.00 | 5.00 | 1.25 | 12.50 | 60 |']);
  });

  it('null when the run had none at that backend latency', () => {
    expect(growthTable([row('home', 'gateway')], 0, 'text')).toBeNull();
    expect(growthTable(fullRun(), 5, 'text')).toBeNull();
  });
});

describe('settingsLine', () => {
  it('connections, warm-up (first, then later), measured seconds and rounds', () => {
    const full = parseSettings([]);
    const quick = parseSettings(['--quick']);
    if (full === 'help' || quick === 'help') throw new Error('unexpected help');
    expect(settingsLine(full)).toBe('50 connections, 10 s (then 3 s) warm-up + 10 s measured, 2 rounds (median)');
    expect(settingsLine(quick)).toBe('10 connections, 1 s warm-up + 2 s measured, 1 round (median)');
  });
});
