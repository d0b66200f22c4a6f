/**
 * Compiles the server processes to JavaScript before the run, so they run as
 * production runs them (the Docker image runs tsc's output). Under tsx they would
 * not: its loader adds ~45 MB of RSS and turns source-mapped stack traces on,
 * which makes every thrown error (a hung backend's) costlier.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const BUILD_DIR = fileURLToPath(new URL('../.build/', import.meta.url));

/** Builds into bench/.build (emptied first) and returns the directory holding the compiled server entries (bench/servers/). */
export function buildServers(): string {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const project = fileURLToPath(new URL('../tsconfig.servers.json', import.meta.url));
  try {
    // --noCheck: emit only; another engineer's work in progress must not block the benchmark.
    execFileSync(process.execPath, [tsc, '-p', project, '--noCheck'], { stdio: 'pipe' });
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
    throw new Error(`compiling the benchmark servers failed:\n${output || String(error)}`);
  }
  // src/create-schema.ts reads ../schema/ relative to itself, as in dist/.
  cpSync(fileURLToPath(new URL('../../schema/', import.meta.url)), `${BUILD_DIR}schema`, { recursive: true });
  return `${BUILD_DIR}bench/servers`;
}
