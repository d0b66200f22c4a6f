/**
 * CLI behind `npm run backends`: starts the four reference backends on fixed
 * ports (USERS_PORT, CATALOG_PORT, ORDERS_PORT, RECOMMENDATIONS_PORT; default
 * 4001–4004) with optional BACKEND_LATENCY_MS, and prints the env line the
 * gateway needs. Also the reviews backend of docs/adding-a-backend.md (REVIEWS_PORT,
 * default 4005): a gateway without a reviews `@source` ignores its REVIEWS_URL.
 */
import { SERVICE_NAMES, startReferenceBackends, startReviewsBackend, type ServiceName } from './start-reference-backends.js';

const DEFAULT_PORTS: Record<ServiceName, number> = { users: 4001, catalog: 4002, orders: 4003, recommendations: 4004 };

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

const envPrefix = (name: ServiceName): string => name.toUpperCase();

async function main(): Promise<void> {
  const ports = Object.fromEntries(
    SERVICE_NAMES.map((name) => [name, envInt(`${envPrefix(name)}_PORT`, DEFAULT_PORTS[name])]),
  ) as Record<ServiceName, number>;
  const latencyMs = envInt('BACKEND_LATENCY_MS', 0);
  const backends = await startReferenceBackends({ ports, latencyMs });
  const reviews = await startReviewsBackend({ port: envInt('REVIEWS_PORT', 4005), latencyMs }).catch(async (err: unknown) => {
    await backends.close();
    throw err;
  });

  for (const name of SERVICE_NAMES) console.log(`${name.padEnd(16)} ${backends.urls[name]}`);
  console.log(`${'reviews'.padEnd(16)} ${reviews.url}`);
  if (latencyMs > 0) console.log(`base latency     ${latencyMs} ms`);
  console.log([...SERVICE_NAMES.map((name) => `${envPrefix(name)}_URL=${backends.urls[name]}`), `REVIEWS_URL=${reviews.url}`].join(' '));

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing reference backends`);
    Promise.all([backends.close(), reviews.close()]).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
