import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { performanceDoc, preservedProfileSection } from '../../../../bench/report/performance-doc.js';
import { readSummary, writeResults, type RunSummary } from '../../../../bench/report/results-file.js';
import { parseSettings, type BenchSettings } from '../../../../bench/settings.js';
import { measurement } from '../fixtures/measurements.js';

const DOC_PATH = fileURLToPath(new URL('../../../../docs/performance.md', import.meta.url));
const COMMITTED_SUMMARY = fileURLToPath(new URL('../../../../bench/results/summary.json', import.meta.url));

function settings(argv: string[]): BenchSettings {
  const parsed = parseSettings(argv);
  if (parsed === 'help') throw new Error('unexpected help');
  return parsed;
}

function runSummary(argv: string[]): RunSummary {
  return {
    settings: settings(argv),
    machine: { cpuModel: 'test CPU', cores: 2, memoryGb: 4, node: 'v20.0.0', kernel: 'test', date: '2026-01-02T03:04:05.000Z', loadAverageAtStart: 0.1 },
    pinning: 'not pinned (test)',
    schemaRateLimits: [{ field: 'Query.recommendations', max: 60, window: '60s' }],
    redisKeysWritten: { 'gateway@0ms': 12 },
    durationSec: 61.5,
    targets: [{ target: 't', measured: 'm', pass: true }],
    problems: [],
    notes: ['a note'],
    summary: [],
  };
}

describe('writeResults', () => {
  it('a full run: the summary (no measurements) and the raw results beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
    const summary = runSummary([]);
    expect(writeResults(dir, summary, [measurement({ server: 'gateway', scenario: 'home' })])).toEqual(['summary.json', 'latest.json']);
    const written = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(written).toEqual(summary);
    expect(written).not.toHaveProperty('measurements');
    const raw = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as { measurements: unknown[] };
    expect(raw).toMatchObject(summary);
    expect(raw.measurements).toHaveLength(1);
    expect(readSummary(join(dir, 'summary.json'))).toEqual(summary);
    // The raw file holds the same summary.
    expect(readSummary(join(dir, 'latest.json'))).toEqual(summary);
  });

  it('a quick or profiling run: its raw file only, no summary to commit', () => {
    for (const [argv, file] of [
      [['--quick'], 'quick.json'],
      [['--cpu-prof'], 'profile-run.json'],
      [['--quick', '--cpu-prof'], 'profile-run.json'],
    ] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
      expect(writeResults(dir, runSummary([...argv]), [])).toEqual([file]);
      expect(readdirSync(dir)).toEqual([file]);
    }
  });
});

describe('readSummary', () => {
  it('refuses a file that is not the results of a run, naming what is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
    const path = join(dir, 'other.json');
    writeFileSync(path, JSON.stringify({ settings: {}, summary: [] }));
    expect(() => readSummary(path)).toThrow(/not the results of a run: no machine, pinning, schemaRateLimits, durationSec, targets, problems, notes/);
  });
});

describe('the committed summary', () => {
  it('is what docs/performance.md shows: the doc regenerates from it unchanged', () => {
    expect(existsSync(COMMITTED_SUMMARY)).toBe(true);
    const regenerated = performanceDoc(readSummary(COMMITTED_SUMMARY), preservedProfileSection(DOC_PATH));
    // On a difference: `npx tsx bench/write-doc.ts` after editing report/performance-doc.ts, or a full run.
    expect(regenerated).toBe(readFileSync(DOC_PATH, 'utf8'));
  });

  it('carries no raw measurements', () => {
    expect(JSON.parse(readFileSync(COMMITTED_SUMMARY, 'utf8'))).not.toHaveProperty('measurements');
  });
});
