/**
 * Child process: the four reference backends in one process, with the base
 * latency of this round (BENCH_BACKEND_LATENCY_MS). Reports their URLs.
 */
import { startReferenceBackends } from '../backends/start-reference-backends.js';
import { runChild } from './child-protocol.js';

runChild(async () => {
  const latencyMs = Number(process.env.BENCH_BACKEND_LATENCY_MS ?? '0');
  if (!Number.isInteger(latencyMs) || latencyMs < 0) throw new Error(`BENCH_BACKEND_LATENCY_MS must be an integer ≥ 0, got ${latencyMs}`);
  const backends = await startReferenceBackends({ latencyMs, host: '127.0.0.1' });
  return { info: { urls: backends.urls } };
});
