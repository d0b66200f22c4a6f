/**
 * The processes under test: the reference backends (core 1, with the load
 * generator) and the three servers compared (core 0), each in its own process.
 */
import { join } from 'node:path';
import { startChild, type ChildServer } from './child-process.js';
import { LOAD_CORE, SERVER_CORE, type Pinning } from './cpu-pinning.js';
import { serverEnv, type BackendUrls } from './server-env.js';

export type ServerName = 'gateway' | 'baseline' | 'apollo';

/** Measurement order inside a round; the gateway first, since its answers are the reference. */
export const SERVER_NAMES: readonly ServerName[] = ['gateway', 'baseline', 'apollo'];

const ENTRIES: Record<ServerName, string> = {
  gateway: 'gateway-server.js',
  baseline: 'baseline-bff.js',
  apollo: 'apollo-server.js',
};

export interface BenchServer {
  readonly name: ServerName;
  readonly origin: string;
  readonly pid: number;
  /** State of the recommendations breaker; null for a server without one (the baseline). */
  recommendationsBreaker(): Promise<string | null>;
  stop(): Promise<void>;
}

export interface Backends {
  readonly urls: BackendUrls;
  readonly pid: number;
  stop(): Promise<void>;
}

/** `buildDir`: the compiled bench/ directory (build-servers.ts). */
export async function startBackends(buildDir: string, latencyMs: number, pinning: Pinning): Promise<Backends> {
  const child = await startChild<{ urls: BackendUrls }>({
    name: `backends (${latencyMs} ms)`,
    entry: join(buildDir, 'backends-server.js'),
    env: { NODE_ENV: 'production', BENCH_BACKEND_LATENCY_MS: String(latencyMs) },
    core: LOAD_CORE,
    pinning,
  });
  return { urls: child.info.urls, pid: child.pid, stop: () => child.stop() };
}

/**
 * Starts the three servers in parallel; if one fails, the others are stopped again.
 * `profileDir`: each server writes a V8 CPU profile to `<profileDir>/<server>/` when stopped.
 */
export async function startServers(
  buildDir: string,
  urls: BackendUrls,
  gatewayConfigFile: string,
  pinning: Pinning,
  profileDir?: string,
): Promise<BenchServer[]> {
  const env = serverEnv(urls, gatewayConfigFile);
  const settled = await Promise.allSettled(
    SERVER_NAMES.map((name) =>
      startChild<{ url: string }>({
        name,
        entry: join(buildDir, ENTRIES[name]),
        env,
        core: SERVER_CORE,
        pinning,
        ...(profileDir === undefined ? {} : { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] }),
      }),
    ),
  );
  const children = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(children.map((child) => child.stop()));
    throw failed.reason;
  }
  return children.map((child) => toServer(child.name as ServerName, child));
}

export async function stopServers(servers: readonly BenchServer[]): Promise<void> {
  await Promise.all(servers.map((server) => server.stop()));
}

function toServer(name: ServerName, child: ChildServer<{ url: string }>): BenchServer {
  const origin = child.info.url;
  let recommendationsBreaker: () => Promise<string | null>;
  switch (name) {
    case 'gateway':
      // What an operator sees: the gateway's own health endpoint.
      recommendationsBreaker = async () => {
        const response = await fetch(`${origin}/health/detailed`);
        const body = (await response.json()) as { services?: { recommendations?: { breaker?: string } } };
        return body.services?.recommendations?.breaker ?? 'unknown';
      };
      break;
    case 'apollo':
      // Apollo has no health route of ours: the child reads its policies over IPC.
      recommendationsBreaker = async () => (await child.probe<Record<string, string>>('breakers')).recommendations ?? 'unknown';
      break;
    case 'baseline':
      recommendationsBreaker = async () => null;
      break;
  }
  return { name, origin, pid: child.pid, recommendationsBreaker, stop: () => child.stop() };
}
