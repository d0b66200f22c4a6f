/**
 * What a run leaves in bench/results/. A full run: `summary.json`, the numbers and
 * verdicts docs/performance.md shows (committed, and enough to regenerate that file:
 * write-doc.ts), and `latest.json`, the same with every measurement of every round
 * (hundreds of kilobytes of raw figures: not committed). A quick or profiling run
 * writes its raw file only (`quick.json`, `profile-run.json`): its numbers are not
 * published.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Measurement } from '../load/measure.js';
import type { BenchSettings } from '../settings.js';
import type { MachineInfo } from './machine-info.js';
import type { SchemaRateLimit } from './schema-rate-limits.js';
import type { SummaryRow } from './summarize.js';
import type { TargetResult } from './targets.js';

/** The committed summary of a full run. Numbers that were NaN (nothing measured) read back as null. */
export interface RunSummary {
  settings: BenchSettings;
  machine: MachineInfo;
  /** What the processes were pinned to (cpu-pinning.ts). */
  pinning: string;
  /** The schema's `@rateLimit` field limits the run was measured with. */
  schemaRateLimits: SchemaRateLimit[];
  /** Keys each server wrote to Redis in the Redis phase, by `server@latency` (proof it used Redis). */
  redisKeysWritten: Record<string, number>;
  durationSec: number;
  targets: TargetResult[];
  /** What makes the run invalid for comparison (validity.ts). */
  problems: string[];
  notes: string[];
  /** One row per backend latency × scenario × server (summarize.ts). */
  summary: SummaryRow[];
}

/** Everything a run measured: the summary and each measurement of each round. */
export interface RawResults extends RunSummary {
  measurements: Measurement[];
}

export const SUMMARY_FILE = 'summary.json';

/** The raw results file of a run with these settings. */
export function rawResultsFile(settings: Pick<BenchSettings, 'mode' | 'cpuProf'>): string {
  if (settings.cpuProf) return 'profile-run.json';
  return settings.mode === 'quick' ? 'quick.json' : 'latest.json';
}

/** Whether a run with these settings publishes: writes the summary and docs/performance.md. */
export function publishes(settings: Pick<BenchSettings, 'mode' | 'cpuProf'>): boolean {
  return settings.mode === 'full' && !settings.cpuProf;
}

/** Writes the run's files into `dir`; returns their names. */
export function writeResults(dir: string, summary: RunSummary, measurements: readonly Measurement[]): string[] {
  mkdirSync(dir, { recursive: true });
  const raw = rawResultsFile(summary.settings);
  writeJson(join(dir, raw), { ...summary, measurements });
  if (!publishes(summary.settings)) return [raw];
  writeJson(join(dir, SUMMARY_FILE), summary);
  return [SUMMARY_FILE, raw];
}

/** A summary as a run wrote it (the raw results file holds one too). */
export function readSummary(path: string): RunSummary {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<RawResults>;
  const missing = (['settings', 'machine', 'pinning', 'schemaRateLimits', 'durationSec', 'targets', 'problems', 'notes', 'summary'] as const).filter(
    (key) => parsed[key] === undefined,
  );
  if (missing.length > 0) throw new Error(`${path} is not the results of a run: no ${missing.join(', ')}`);
  const { measurements: _raw, ...summary } = parsed as RawResults;
  return { ...summary, redisKeysWritten: summary.redisKeysWritten ?? {} };
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
