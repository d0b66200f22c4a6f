/**
 * CPU time and RSS of a server process, read by the runner from /proc (Linux),
 * so the server itself does no measuring work while it is under load.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLOCK_TICKS = readClockTicks();

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** User + system CPU seconds the process has used so far. */
export function readCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: split after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident set size in MB (VmRSS). */
export function readRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

export interface ProcessUsage {
  peakRssMb: number;
  cpuSeconds: number;
  wallSeconds: number;
  /** cpuSeconds / wallSeconds × 100: 100 = one core busy all the time. */
  cpuPercent: number;
}

/** Samples RSS every `intervalMs` until stopped; CPU is the difference between start and stop. */
export function startProcessSampler(pid: number, intervalMs = 250): { stop(): ProcessUsage } {
  const startedAt = performance.now();
  const cpuAtStart = readCpuSeconds(pid);
  let peakRssMb = readRssMb(pid);
  const timer = setInterval(() => {
    try {
      peakRssMb = Math.max(peakRssMb, readRssMb(pid));
    } catch {
      // The process is gone: the measurement fails on stop().
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const wallSeconds = (performance.now() - startedAt) / 1000;
      const cpuSeconds = readCpuSeconds(pid) - cpuAtStart;
      peakRssMb = Math.max(peakRssMb, readRssMb(pid));
      return { peakRssMb, cpuSeconds, wallSeconds, cpuPercent: (cpuSeconds / wallSeconds) * 100 };
    },
  };
}
