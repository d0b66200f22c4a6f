/**
 * Child process: the four reference backends in one process, with the base
 * latency of this round (BENCH_BACKEND_LATENCY_MS), seeded with the users the
 * run's viewers need (BENCH_SEED_USERS, BENCH_ORDERS_PER_USER). Reports their URLs.
 */
import { SEED_ORDERS_PER_USER, SEED_USER_COUNT } from '../../backends/seed-data.js';
import { startReferenceBackends } from '../../backends/start-reference-backends.js';
import { runChild } from './child-protocol.js';

runChild(async () => {
  const int = (name: string, fallback: number, min: number): number => {
    const value = Number(process.env[name] ?? String(fallback));
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${process.env[name]}`);
    return value;
  };
  const backends = await startReferenceBackends({
    latencyMs: int('BENCH_BACKEND_LATENCY_MS', 0, 0),
    users: int('BENCH_SEED_USERS', SEED_USER_COUNT, 1),
    ordersPerUser: int('BENCH_ORDERS_PER_USER', SEED_ORDERS_PER_USER, 1),
    host: '127.0.0.1',
  });
  return { info: { urls: backends.urls } };
});
