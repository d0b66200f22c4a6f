/**
 * The processes under test: the reference backends (core 1, with the load
 * generator) and the three servers compared (core 0), each in its own process.
 */
import { join } from 'node:path';
import { startChild, type ChildServer } from './child-process.js';
import type { HeapAfterGc } from './child-protocol.js';
import { LOAD_CORE, SERVER_CORE, type Pinning } from './cpu-pinning.js';
import { HOME_ORDERS_FIRST } from '../load/queries.js';
import { PRODUCTION_NODE_FLAGS } from './production-node-flags.js';
import { baselineEnv, serverEnv, type BackendUrls, type ServerEnvOptions } from './server-env.js';

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
  /** A full garbage collection in the server (over IPC); the heap it still uses. */
  collectGarbage(): Promise<HeapAfterGc>;
  /**
   * Redis errors and timeouts so far (the gateway's `cache_redis_errors_total`): each one
   * sent a lookup straight to the backends. null for a server that does not count them.
   */
  redisErrors(): Promise<number | null>;
  /** What the server says of its backends (the gateway's /health/detailed), to explain a failure; null without. */
  backendHealth(): Promise<unknown>;
  stop(): Promise<void>;
}

export interface Backends {
  readonly urls: BackendUrls;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Orders per seeded user: those the home screen shows (30, the default seed, would triple the backends' memory for 22,000 users). */
const BENCH_ORDERS_PER_USER = HOME_ORDERS_FIRST;

/** `buildDir`: the compiled bench/servers/ directory (build-servers.ts). `users`: u1…uN seeded, each with orders. */
export async function startBackends(buildDir: string, latencyMs: number, users: number, pinning: Pinning): Promise<Backends> {
  const child = await startChild<{ urls: BackendUrls }>({
    name: `backends (${latencyMs} ms)`,
    entry: join(buildDir, 'backends-server.js'),
    env: {
      NODE_ENV: 'production',
      BENCH_BACKEND_LATENCY_MS: String(latencyMs),
      BENCH_SEED_USERS: String(users),
      BENCH_ORDERS_PER_USER: String(BENCH_ORDERS_PER_USER),
    },
    core: LOAD_CORE,
    pinning,
  });
  return { urls: child.info.urls, pid: child.pid, stop: () => child.stop() };
}

export interface StartServersOptions {
  /** Each server writes a V8 CPU profile to `<profileDir>/<server>/` when stopped. */
  profileDir?: string;
  /** What differs per server (REDIS_URL, its key prefix); default nothing. */
  envOf?: (name: ServerName) => ServerEnvOptions;
}

/** Starts the three servers in parallel; if one fails, the others are stopped again. */
export async function startServers(buildDir: string, urls: BackendUrls, pinning: Pinning, options: StartServersOptions = {}): Promise<BenchServer[]> {
  const { profileDir } = options;
  const settled = await Promise.allSettled(
    // async: a server whose environment cannot be made is a rejection like one that fails to start.
    SERVER_NAMES.map(async (name) => {
      const env = serverEnv(urls, options.envOf?.(name) ?? {});
      return startChild<{ url: string }>({
        name,
        entry: join(buildDir, ENTRIES[name]),
        env: name === 'baseline' ? baselineEnv(env) : env,
        core: SERVER_CORE,
        pinning,
        nodeArgs: [...PRODUCTION_NODE_FLAGS, ...(profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`])],
      });
    }),
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
  return {
    name,
    origin,
    pid: child.pid,
    recommendationsBreaker,
    collectGarbage: () => child.probe<HeapAfterGc>('gc', 30_000),
    redisErrors: name === 'gateway' ? () => gatewayRedisErrors(origin) : async () => null,
    backendHealth: name === 'gateway' ? async () => ((await (await fetch(`${origin}/health/detailed`)).json()) as { services?: unknown }).services : async () => null,
    stop: () => child.stop(),
  };
}

/** The gateway's own count, from its /metrics (on the public port: the benchmark sets no OPS_PORT). */
async function gatewayRedisErrors(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  return redisErrorsIn(text);
}

/** `<prefix>cache_redis_errors_total <n>` in a Prometheus exposition; 0 when absent. */
export function redisErrorsIn(metrics: string): number {
  const match = /^\w*cache_redis_errors_total(?:\{[^}]*\})? (\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/m.exec(metrics);
  return match === null ? 0 : Number(match[1]);
}
