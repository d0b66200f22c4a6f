/**
 * The IPC messages between the benchmark runner and the server processes it
 * starts, and the child side of them. Each server runs in its own process so its
 * RSS and CPU time are its own (read from /proc by the runner).
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** Runner → child: asks a named question (e.g. breaker states) and waits for the answer. */
export interface ProbeRequest {
  type: 'probe';
  id: number;
  name: string;
}

/** Child → runner. */
export type ChildMessage =
  | { type: 'ready'; info: unknown }
  | { type: 'probe-result'; id: number; ok: true; value: unknown }
  | { type: 'probe-result'; id: number; ok: false; error: string }
  | { type: 'fatal'; error: string };

export type ProbeHandlers = Record<string, () => unknown>;

/** What the `gc` probe answers. */
export interface HeapAfterGc {
  /** V8 heap in use after a full collection: what the process retains. */
  heapUsedMb: number;
}

/**
 * Probes every child answers: `gc` runs a full garbage collection and reports the heap
 * still in use, so the runner can tell retained state from garbage not yet collected
 * (RSS alone cannot: V8 keeps the pages it grew into).
 */
const BUILT_IN_PROBES: ProbeHandlers = { gc: () => collectGarbage() };

let gc: (() => void) | undefined;
function collectGarbage(): HeapAfterGc {
  // --expose-gc on demand: the servers run with production flags until the runner asks.
  if (gc === undefined) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
  return { heapUsedMb: process.memoryUsage().heapUsed / 1024 / 1024 };
}

/**
 * Runs `start` in a child started by `startChild`: reports `ready` with what `start`
 * returns (URLs), answers probes, and exits when the runner goes away (the IPC
 * channel closes even when the runner is SIGKILLed, so no server outlives it).
 */
export function runChild(start: () => Promise<{ info: unknown; probes?: ProbeHandlers }>): void {
  const send = (message: ChildMessage): void => {
    if (process.send !== undefined && process.connected) process.send(message);
  };
  if (process.send === undefined) {
    process.stderr.write('bench child: started without an IPC channel (run it through bench/run.ts)\n');
    process.exit(2);
  }
  process.on('disconnect', () => process.exit(0));
  // An orderly exit on SIGTERM, so a `--cpu-prof` profile gets written.
  process.on('SIGTERM', () => process.exit(0));
  start().then(
    ({ info, probes = {} }) => {
      process.on('message', (raw: unknown) => {
        const message = raw as ProbeRequest;
        if (message?.type !== 'probe') return;
        const handler = probes[message.name] ?? BUILT_IN_PROBES[message.name];
        if (handler === undefined) {
          send({ type: 'probe-result', id: message.id, ok: false, error: `unknown probe "${message.name}"` });
          return;
        }
        Promise.resolve()
          .then(handler)
          .then(
            (value) => send({ type: 'probe-result', id: message.id, ok: true, value }),
            (error: unknown) => send({ type: 'probe-result', id: message.id, ok: false, error: String(error) }),
          );
      });
      send({ type: 'ready', info });
    },
    (error: unknown) => {
      send({ type: 'fatal', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exitCode = 1;
      process.disconnect?.();
      setTimeout(() => process.exit(1), 100).unref();
    },
  );
}
