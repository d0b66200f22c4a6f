/**
 * `npm run bench`: the gateway under load beside a hand-written BFF and Apollo
 * Server 5, at two backend latencies, in one run. See docs/performance.md
 * ("Method") for what is measured and why, and `npm run bench -- --help`.
 *
 * Per backend latency (backends seeded with every viewer of the run):
 *   1. healthy phase: one process per server, no Redis; every round runs home,
 *      small and the fixed rate on each server in turn (gateway, hand-written,
 *      Apollo, …), then the backends alone at the fixed rate;
 *   2. Redis phase: fresh processes, the gateway and Apollo with REDIS_URL (a key
 *      prefix per server, deleted afterwards); every round runs home on each;
 *   3. many-clients phase (first backend latency only): fresh processes, no Redis;
 *      each server warms up at the scenario's rate, then gets one home request from
 *      each of 20,000 viewers it has never seen;
 *   4. hung phase: fresh server processes (nothing cached), recommendations
 *      hung, each breaker opened once, then the rounds as above.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BackendControl } from './servers/backend-control.js';
import { buildServers } from './servers/build-servers.js';
import { killAllChildren } from './servers/child-process.js';
import { detectPinning, LOAD_CORE, type Pinning } from './servers/cpu-pinning.js';
import { connectBenchRedis, type BenchRedis } from './servers/bench-redis.js';
import { writeGatewayConfigFile } from './servers/gateway-config-file.js';
import { machineInfo } from './report/machine-info.js';
import { applyLoad, loadUntil, measure, type LoadPlan, type Measurement } from './load/measure.js';
import { performanceDoc, preservedProfileSection } from './report/performance-doc.js';
import { consoleReport } from './report/report.js';
import { publishes, writeResults, type RunSummary } from './report/results-file.js';
import { ResponseChecker } from './load/response-check.js';
import {
  backendOnlyRequests,
  buildScenarios,
  FIXED_RATE,
  HEALTHY_SCENARIOS,
  HUNG_SCENARIOS,
  REDIS_SCENARIOS,
  seededUsers,
  userTokens,
  type BenchRequest,
  type Scenario,
  type ScenarioId,
} from './load/scenarios.js';
import { describeRateLimits, schemaRateLimits } from './report/schema-rate-limits.js';
import {
  SERVER_NAMES,
  startBackends,
  startServers,
  stopServers,
  type Backends,
  type BenchServer,
  type ServerName,
  type StartServersOptions,
} from './servers/servers.js';
import { parseSettings, USAGE, type BenchSettings } from './settings.js';
import { round } from './report/stats.js';
import { summarize } from './report/summarize.js';
import { evaluateTargets, verdict } from './report/targets.js';
import { checkValidity } from './report/validity.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const DOC_PATH = fileURLToPath(new URL('../docs/performance.md', import.meta.url));

/** What the phases of one backend latency share. */
interface LatencyContext {
  settings: BenchSettings;
  scenarios: Record<ScenarioId, Scenario>;
  pinning: Pinning;
  /** The compiled server entries (build-servers.ts). */
  buildDir: string;
  profileDir: string | undefined;
  /** null: `--no-redis`. */
  redis: BenchRedis | null;
  /** Keys each server wrote to Redis in the Redis phase, by `server@latency` (proof it used Redis). */
  redisKeys: Record<string, number>;
  backends: Backends;
  control: BackendControl;
  /** The gateway's answers of this latency are the reference of the fairness check. */
  checker: ResponseChecker;
  latencyMs: number;
  record(measurement: Measurement): void;
  /** A remark for the report's notes (it qualifies a measurement without invalidating it). */
  note(text: string): void;
}

async function main(): Promise<void> {
  const parsed = parseSettings(process.argv.slice(2), process.env);
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const settings = parsed;
  // Before pinning: pinned to one core, this process would see one core.
  const machine = machineInfo();
  const pinning = detectPinning(!settings.pin);
  pinning.pin(process.pid, LOAD_CORE);
  const started = performance.now();
  const counts = { viewers: settings.viewers, manyClients: settings.manyClients.viewers };
  const measurements: Measurement[] = [];
  const runNotes: string[] = [];
  log(`bench (${settings.mode}, gateway executor ${settings.executor}): ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverageAtStart}`);
  log(`${pinning.description}; about ${Math.round(plannedSeconds(settings) / 60)} min of load planned`);
  // Before anything slow: a run that needs Redis fails at once without it.
  const redis = settings.redisUrl === null ? null : await connectBenchRedis(settings.redisUrl);
  const redisKeys: Record<string, number> = {};
  try {
    const signing = performance.now();
    const scenarios = buildScenarios(await userTokens(seededUsers(counts)), counts, settings.manyClients.rate);
    log(`${seededUsers(counts)} viewer tokens signed in ${Math.round(performance.now() - signing)} ms`);
    const rateLimits = schemaRateLimits();
    log(
      `${settings.viewers} viewers rotating, ${settings.manyClients.viewers} more for many clients; the schema's field limits ` +
        `(${describeRateLimits(rateLimits)}) and the default per-client limit apply`,
    );
    log('compiling the servers (tsc → bench/.build)');
    const buildDir = buildServers();

    for (const latencyMs of settings.backendLatenciesMs) {
      const backends = await startBackends(buildDir, latencyMs, seededUsers(counts), pinning);
      try {
        const context: LatencyContext = {
          settings,
          scenarios,
          pinning,
          buildDir,
          profileDir: settings.cpuProf ? `${RESULTS_DIR}profiles` : undefined,
          redis,
          redisKeys,
          backends,
          control: new BackendControl(backends.urls),
          checker: new ResponseChecker(),
          latencyMs,
          record: (m) => {
            measurements.push(m);
            log(progressLine(m));
          },
          note: (text) => {
            runNotes.push(text);
            log(text);
          },
        };
        await healthyPhase(context);
        if (redis !== null) await redisPhase(context, redis);
        // Per-client state does not depend on the backends' latency: once is enough.
        if (latencyMs === settings.backendLatenciesMs[0]) await manyClientsPhase(context);
        await hungPhase(context);
      } finally {
        await backends.stop();
      }
    }

    const durationSec = (performance.now() - started) / 1000;
    const rows = summarize(measurements);
    const targets = evaluateTargets(rows, { backendLatenciesMs: settings.backendLatenciesMs, viewers: settings.viewers, manyClients: settings.manyClients.viewers });
    const { problems, notes } = checkValidity(measurements);
    notes.push(...runNotes);
    if (redis === null) notes.push('run with --no-redis: the "home, Redis on" scenario was not measured');
    process.stdout.write(`${consoleReport(rows, settings)}\n\nTargets\n`);
    for (const t of targets) process.stdout.write(`  ${verdict(t)}  ${t.target}: ${t.measured}\n`);
    if (notes.length > 0) process.stdout.write(`\nNotes\n${notes.map((n) => `  - ${n}`).join('\n')}\n`);

    const summary: RunSummary = {
      settings,
      machine,
      pinning: pinning.description,
      schemaRateLimits: rateLimits,
      redisKeysWritten: redisKeys,
      durationSec: round(durationSec, 1),
      targets,
      problems,
      notes,
      summary: rows,
    };
    const written = writeResults(RESULTS_DIR, summary, measurements);
    log(`\nwrote ${written.map((file) => `bench/results/${file}`).join(' and ')} (${Math.round(durationSec)} s)`);
    if (publishes(settings)) {
      writeFileSync(DOC_PATH, performanceDoc(summary, preservedProfileSection(DOC_PATH)));
      log('wrote docs/performance.md');
    }
    if (problems.length > 0) {
      process.stderr.write(`\nINVALID RUN: these measurements are not comparable:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
      // --quick is CI's end-to-end smoke run on a machine of unknown load: it fails when
      // something crashes or answers differ (thrown above), not when an overloaded machine
      // made the measurements incomparable. A full run is never published invalid.
      if (settings.mode === 'quick') process.stderr.write('(--quick: reported, not failing the run)\n');
      else process.exitCode = 1;
    }
  } finally {
    await redis?.close();
  }
}

/** Every backend healthy: the rounds on one set of server processes, then the backends alone. */
async function healthyPhase(ctx: LatencyContext): Promise<void> {
  const servers = await startRampedServers(ctx, ctx.scenarios.home.requests);
  const warmedUp = new Set<string>();
  try {
    for (let round = 1; round <= ctx.settings.rounds; round += 1) {
      for (const id of HEALTHY_SCENARIOS) {
        for (const server of servers) await warmCheckMeasure(ctx, server, ctx.scenarios[id], round, warmedUp);
      }
      // The comparator of "added latency": the one uncached backend call of a home screen, at the same rate.
      const plan: LoadPlan = {
        origin: ctx.backends.urls.orders,
        requests: backendOnlyRequests(ctx.settings.viewers),
        connections: ctx.settings.connections,
        rate: FIXED_RATE,
      };
      // The backends process has been under load all phase long: warm already.
      await applyLoad(plan, ctx.settings.rewarmSec);
      ctx.record(await measure(measureOptions(ctx, 'backends-only', ctx.backends.pid, 'fixed-rate', plan, round)));
    }
  } finally {
    await stopServers(servers);
  }
}

/**
 * The gateway and Apollo Server with REDIS_URL (the hand-written BFF has no Redis and
 * runs as before, so that the rounds still alternate the three). Fresh processes, each
 * with a key prefix of its own; afterwards each must have written keys (proof it used
 * Redis), and its keys are deleted.
 */
async function redisPhase(ctx: LatencyContext, redis: BenchRedis): Promise<void> {
  const usesRedis = (name: ServerName) => name !== 'baseline';
  const prefixes = new Map<ServerName, string>(SERVER_NAMES.filter(usesRedis).map((name) => [name, redis.keyPrefix(`${name}${ctx.latencyMs}`)]));
  const envOf = (name: ServerName) => {
    const keyPrefix = prefixes.get(name);
    return keyPrefix === undefined ? {} : { redisUrl: redis.url, gatewayConfigFile: writeGatewayConfigFile(ctx.buildDir, name, keyPrefix) };
  };
  const servers = await startRampedServers(ctx, ctx.scenarios['home-redis'].requests, { envOf });
  const warmedUp = new Set<string>();
  try {
    for (let round = 1; round <= ctx.settings.rounds; round += 1) {
      for (const id of REDIS_SCENARIOS) {
        for (const server of servers) await warmCheckMeasure(ctx, server, ctx.scenarios[id], round, warmedUp);
      }
    }
    for (const [name, prefix] of prefixes) {
      const keys = await redis.countKeys(prefix);
      if (keys === 0) throw new Error(`${name} wrote no key to Redis at ${redis.url} during the Redis phase: it did not use it`);
      ctx.redisKeys[`${name}@${ctx.latencyMs}ms`] = keys;
    }
    for (const server of servers) {
      const errors = await server.redisErrors();
      // Over its 50 ms timeout (a busy or shared Redis) the gateway goes to the backends instead.
      if (errors !== null && errors > 0) {
        ctx.note(`${server.name}: ${errors} Redis errors or timeouts in the Redis phase (backends ${ctx.latencyMs} ms): those lookups went to the backends`);
      }
    }
  } finally {
    await stopServers(servers);
    for (const prefix of prefixes.values()) await redis.deleteKeys(prefix);
  }
}

/**
 * Each server meets `manyClients.viewers` viewers it has never seen, one home request
 * each, at a fixed rate. Fresh processes without Redis (per-client state then lives in
 * the process, where it would grow), warmed up first at the same rate on the rotating
 * viewers (JIT, pools, caches), so early and late requests meet the same warm process.
 * RSS is read after a full GC before and after (measure.ts): the growth is what the new
 * viewers left behind, not garbage the next collection would free.
 */
async function manyClientsPhase(ctx: LatencyContext): Promise<void> {
  const scenario = ctx.scenarios['many-clients'];
  const servers = await startRampedServers(ctx, ctx.scenarios.home.requests);
  try {
    for (const server of servers) {
      const warmUp = planFor(ctx.settings, server.origin, { requests: ctx.scenarios.home.requests, rate: scenario.rate });
      await applyLoad(warmUp, ctx.settings.warmupSec);
      const plan: LoadPlan = { ...planFor(ctx.settings, server.origin, scenario), once: true };
      ctx.record(await measure({ ...measureOptions(ctx, server.name, server.pid, scenario.id, plan, 1), collectGarbage: () => server.collectGarbage() }));
    }
  } finally {
    await stopServers(servers);
  }
}

/**
 * Recommendations hung. Fresh processes: a recommendation list cached during the
 * healthy phase (fresh for 30 s) would hide the hang. A server with a breaker gets
 * load until it is open (BREAKER_HALF_OPEN_AFTER_MS keeps it open for the phase).
 */
async function hungPhase(ctx: LatencyContext): Promise<void> {
  // Ramped on product pages: home would cache recommendation lists, which must not hide the hang.
  const servers = await startRampedServers(ctx, ctx.scenarios.small.requests, { envOf: () => ({ holdBreakersOpen: true }) });
  const warmedUp = new Set<string>();
  const breakerOpenAfterMs = new Map<string, number>();
  try {
    await ctx.control.hang('recommendations');
    for (let round = 1; round <= ctx.settings.rounds; round += 1) {
      for (const id of HUNG_SCENARIOS) {
        const scenario = ctx.scenarios[id];
        for (const server of servers) {
          const hasBreaker = (await server.recommendationsBreaker()) !== null;
          // Without a breaker every request waits for the 1 s timeout: at the fixed rate that only
          // piles up a queue, and its latency is already in the closed-loop row.
          if (scenario.rate !== undefined && !hasBreaker) continue;
          if (hasBreaker && !breakerOpenAfterMs.has(server.name)) {
            const plan = planFor(ctx.settings, server.origin, { ...scenario, rate: undefined });
            const tookMs = await loadUntil(plan, async () => (await server.recommendationsBreaker()) === 'open', ctx.settings.breakerTimeoutMs);
            breakerOpenAfterMs.set(server.name, Math.round(tookMs));
            log(`${server.name}: recommendations breaker open after ${Math.round(tookMs)} ms of load`);
          }
          const measurement = await warmCheckMeasure(ctx, server, scenario, round, warmedUp);
          const state = await server.recommendationsBreaker();
          if (state !== null && state !== 'open') throw new Error(`${server.name}: the recommendations breaker left "open" during the measurement (now ${state})`);
          const opened = breakerOpenAfterMs.get(server.name);
          if (opened !== undefined) measurement.breakerOpenAfterMs = opened;
        }
      }
    }
  } finally {
    await ctx.control.clearFault('recommendations');
    await stopServers(servers);
  }
}

/**
 * Fresh server processes, each given one connection of `ramp` load for `rampSec` before
 * anything else: a cold process (nothing compiled, empty pools and caches) met by every
 * connection of a warm-up at once stalls its event loop on a busy machine for seconds,
 * its 1 s backend timeouts fire late, and its breakers open before the warm-up is over.
 * Production ramps traffic onto a new instance too (a load balancer's slow start).
 */
async function startRampedServers(ctx: LatencyContext, ramp: readonly BenchRequest[], options: Pick<StartServersOptions, 'envOf'> = {}): Promise<BenchServer[]> {
  const envOf = (name: ServerName) => ({ ...options.envOf?.(name), executor: ctx.settings.executor });
  const servers = await startServers(ctx.buildDir, ctx.backends.urls, ctx.pinning, { ...profiling(ctx), envOf });
  try {
    // All at once: one connection each is what matters, and nothing is measured yet.
    await Promise.all(
      servers.map((server) =>
        applyLoad({ origin: server.origin, requests: ramp, connections: 1 }, ctx.settings.rampSec),
      ),
    );
  } catch (error) {
    await stopServers(servers);
    throw error;
  }
  return servers;
}

/** Warm-up, the fairness check (first time only), the measurement. */
async function warmCheckMeasure(ctx: LatencyContext, server: BenchServer, scenario: Scenario, round: number, warmedUp: Set<string>): Promise<Measurement> {
  const plan = planFor(ctx.settings, server.origin, scenario);
  await applyLoad(plan, warmUpSeconds(ctx.settings, warmedUp, server.name));
  await checkOnce(ctx.checker, server, scenario);
  const measurement = await measure(measureOptions(ctx, server.name, server.pid, scenario.id, plan, round));
  ctx.record(measurement);
  return measurement;
}

/**
 * The full warm-up before a server process's first measurement (JIT, pools, caches),
 * the short one before its later ones (another scenario, a later round): it is warm
 * by then, and the short run refills what expired while the other servers ran.
 */
function warmUpSeconds(settings: BenchSettings, warmedUp: Set<string>, server: string): number {
  if (warmedUp.has(server)) return settings.rewarmSec;
  warmedUp.add(server);
  return settings.warmupSec;
}

function profiling(ctx: LatencyContext): { profileDir?: string } {
  return ctx.profileDir === undefined ? {} : { profileDir: ctx.profileDir };
}

function planFor(settings: BenchSettings, origin: string, scenario: Pick<Scenario, 'requests' | 'rate'>): LoadPlan {
  return {
    origin,
    requests: scenario.requests,
    connections: settings.connections,
    ...(scenario.rate === undefined ? {} : { rate: scenario.rate }),
  };
}

function measureOptions(ctx: LatencyContext, server: string, pid: number, scenario: string, plan: LoadPlan, round: number) {
  return {
    server,
    scenario,
    pid,
    plan,
    durationSec: ctx.settings.durationSec,
    backends: ctx.control,
    backendLatencyMs: ctx.latencyMs,
    round,
  };
}

/** The gateway's answers are the reference; every other server must give the same data. */
async function checkOnce(checker: ResponseChecker, server: BenchServer, scenario: Scenario): Promise<void> {
  if (scenario.checkCount === 0 || checker.isChecked(server.name, scenario.id)) return;
  try {
    if (server.name === 'gateway') await checker.recordReference(server.name, server.origin, scenario);
    else await checker.compare(server.name, server.origin, scenario);
  } catch (error) {
    // A failed answer usually comes from a backend call: say what the server saw of its backends.
    const health = await server.backendHealth().catch(() => null);
    if (error instanceof Error && health !== null) error.message += `\n${server.name} backends: ${JSON.stringify(health)}`;
    throw error;
  }
}

/** Seconds of warm-up and measurement the settings add up to (start-ups, seeding and breaker waits not included). */
export function plannedSeconds(settings: BenchSettings): number {
  const servers = 3;
  const healthy = HEALTHY_SCENARIOS.length * servers + 1; // + the backends alone
  const withRedis = settings.redisUrl === null ? 0 : REDIS_SCENARIOS.length * servers;
  const hung = HUNG_SCENARIOS.length * servers - 1; // the baseline skips the hung fixed rate
  const cells = settings.rounds * (healthy + withRedis + hung);
  const processSets = settings.redisUrl === null ? 2 : 3; // healthy, Redis, hung
  const firstWarmUps = processSets * servers; // one per server process
  const perLatency =
    cells * (settings.rewarmSec + settings.durationSec) + firstWarmUps * (settings.warmupSec - settings.rewarmSec) + processSets * settings.rampSec;
  const manyClients = settings.rampSec + servers * (settings.warmupSec + settings.manyClients.viewers / settings.manyClients.rate);
  return settings.backendLatenciesMs.length * perLatency + manyClients;
}

function progressLine(m: Measurement): string {
  const bad = m.non2xx + m.errors;
  return (
    `[backends ${m.backendLatencyMs} ms, round ${m.round}] ${m.scenario.padEnd(15)} ${m.server.padEnd(13)} ` +
    `${m.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${m.latencyMs.p50.toFixed(2).padStart(7)}  p95 ${m.latencyMs.p95.toFixed(2).padStart(7)}  ` +
    `p99 ${m.latencyMs.p99.toFixed(2).padStart(7)} ms  RSS ${m.peakRssMb.toFixed(0).padStart(4)} MB  CPU ${m.cpuPercent.toFixed(0).padStart(3)} %  ` +
    `${m.callsPerQuery.toFixed(2)} calls/query` +
    (bad > 0 ? `  ${m.non2xx} non-2xx, ${m.errors} errors` : '') +
    (m.errorAnswers > 0 ? `  ${m.errorAnswers} error answers` : '') +
    (m.growth === undefined
      ? ''
      : `  ${m.growth.clients} viewers: RSS ${m.growth.rssStartMb.toFixed(0)} → ${m.growth.rssEndMb.toFixed(0)} MB, ` +
        `p50 first 10 % ${m.growth.earlyP50.toFixed(2)} ms, last 10 % ${m.growth.lateP50.toFixed(2)} ms`)
  );
}

const runStartedAt = performance.now();

/** A line of progress, after the seconds since the run started (to see where a run spends its time). */
function log(line: string): void {
  const seconds = Math.round((performance.now() - runStartedAt) / 1000);
  process.stdout.write(line.startsWith('\n') ? `${line}\n` : `[${String(seconds).padStart(4)} s] ${line}\n`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  // Normally every child is stopped already; this covers the failure paths.
  killAllChildren();
}
