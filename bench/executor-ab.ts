/**
 * `npx tsx bench/executor-ab.ts [rounds] [jit|standard]`: the gateway's CPU time per
 * request with compiled execution (GATEWAY_EXECUTOR=jit) and with the standard executor,
 * side by side; with an executor named, that one alone (to profile it:
 * `node --cpu-prof --import tsx bench/executor-ab.ts 6 jit`).
 *
 * Throughput on a shared machine moves with whatever else runs on it; the CPU time a
 * request costs moves much less. So: the reference backends in a child process (0 ms),
 * two gateways in this process (the same production config but the executor), each
 * answering the same requests through `yoga.fetch` (the node:http layer is the same for
 * both and left out), in alternating blocks (jit, standard, standard, jit, …) after a
 * warm-up; each block's process CPU time (user + system) divided by its requests. The
 * report is the median over the blocks, per executor and query, and the ratio. The
 * reference backends seed 50 users, so the schema's per-viewer field limits are raised
 * out of reach (for both gateways alike).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayApp, loadAppConfig } from '../app/gateway-app.js';
import { productIdFor, SEED_PRODUCT_COUNT, userIdFor } from '../backends/seed-data.js';
import { createGateway, signDevToken, type Gateway } from '../src/index.js';
import { createLogger } from '../src/observability/create-logger.js';
import { HOME_OPERATION, HOME_QUERY, PRODUCT_OPERATION, PRODUCT_QUERY } from './load/queries.js';

const SECRET = 'executor-ab-jwt-secret-0123456789abcdef';
const BLOCK = 300;
const CONCURRENCY = 10;
const VIEWERS = 50;
const rounds = Number(process.argv[2] ?? 6);

type Executor = 'jit' | 'standard';
const only = process.argv[3] as Executor | undefined;
const EXECUTORS: readonly Executor[] = only === undefined ? ['jit', 'standard'] : [only];

async function main(): Promise<void> {
  const backends = spawn(process.execPath, ['--import', 'tsx', 'backends/main.ts'], {
    env: { ...process.env, USERS_PORT: '0', CATALOG_PORT: '0', ORDERS_PORT: '0', RECOMMENDATIONS_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const urls = await new Promise<Record<string, string>>((resolve, reject) => {
    let text = '';
    backends.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n').find((l) => l.startsWith('USERS_URL='));
      if (line !== undefined) resolve(Object.fromEntries(line.split(' ').map((pair) => pair.split('=') as [string, string])));
    });
    backends.once('exit', () => reject(new Error('backends exited')));
  });
  const gatewayConfig = join(tmpdir(), `executor-ab-${process.pid}.json`);
  const unlimited = { max: 1_000_000_000, window: '60s' };
  writeFileSync(gatewayConfig, JSON.stringify({ rateLimits: { 'Query.recommendations': unlimited, 'Query.products': unlimited } }));
  const gateways = {} as Record<Executor, Gateway>;
  for (const executor of EXECUTORS) {
    const config = loadAppConfig({
      ...urls,
      NODE_ENV: 'production',
      JWT_SECRET: SECRET,
      SYNC_TOKEN_SECRET: SECRET,
      LOG_LEVEL: 'info',
      GATEWAY_CONFIG: gatewayConfig,
      GATEWAY_EXECUTOR: executor,
    });
    gateways[executor] = createGateway(config, gatewayApp, { logger: createLogger({ level: 'info', to: '/dev/null' }) });
  }
  const tokens = await Promise.all(Array.from({ length: VIEWERS }, (_, i) => signDevToken(userIdFor(i + 1), SECRET)));
  const queries = {
    home: (i: number) => ({ query: HOME_QUERY, operationName: HOME_OPERATION, token: tokens[i % VIEWERS]! }),
    product: (i: number) => ({
      query: PRODUCT_QUERY,
      operationName: PRODUCT_OPERATION,
      variables: { id: productIdFor((i % SEED_PRODUCT_COUNT) + 1) },
      token: tokens[i % VIEWERS]!,
    }),
  };
  const block = async (executor: Executor, name: keyof typeof queries): Promise<number> => {
    let next = 0;
    const started = process.cpuUsage();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < BLOCK) {
          const { token, ...body } = queries[name](next++);
          const response = await gateways[executor].yoga.fetch('http://gateway/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
            body: JSON.stringify(body),
          });
          const answer = (await response.json()) as { errors?: unknown };
          if (response.status !== 200 || answer.errors !== undefined) throw new Error(`${executor} ${name}: ${response.status} ${JSON.stringify(answer)}`);
        }
      }),
    );
    const used = process.cpuUsage(started);
    return (used.user + used.system) / BLOCK;
  };
  const samples: Record<string, number[]> = {};
  for (const name of ['home', 'product'] as const) {
    for (const executor of EXECUTORS) for (let i = 0; i < 3; i += 1) await block(executor, name);
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? EXECUTORS : [...EXECUTORS].reverse();
      for (const executor of order) (samples[`${name} ${executor}`] ??= []).push(await block(executor, name));
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(`CPU µs per request, median of ${rounds} blocks of ${BLOCK} (concurrency ${CONCURRENCY}); min–max in brackets`);
  const show = (values: number[]) => `${median(values).toFixed(0)} [${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}]`;
  for (const name of ['home', 'product']) {
    const jit = samples[`${name} jit`];
    const standard = samples[`${name} standard`];
    const ratio = jit === undefined || standard === undefined ? '' : `  jit/standard ${(median(jit) / median(standard)).toFixed(2)}`;
    console.log(`${name.padEnd(8)}${EXECUTORS.map((executor) => ` ${executor} ${show(samples[`${name} ${executor}`]!)}`).join(' ')}${ratio}`);
  }
  for (const gateway of Object.values(gateways)) await gateway.close({ drainMs: 0 });
  backends.kill('SIGTERM');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
