/**
 * Starts a server of the benchmark in its own process (so RSS and CPU time are
 * its own) and guarantees it dies with the runner: on normal exit, on an
 * uncaught error, and on SIGINT/SIGTERM/SIGHUP. Children also exit by themselves
 * when the IPC channel closes (see child-protocol.ts), which covers a SIGKILLed runner.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ProbeRequest } from './child-protocol.js';
import type { Pinning } from './cpu-pinning.js';

export interface ChildServer<Info> {
  readonly name: string;
  readonly pid: number;
  /** What the child reported when it was ready (its URLs). */
  readonly info: Info;
  /** Asks the child a named question over IPC (e.g. its breaker states). */
  probe<T>(name: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export interface StartChildOptions {
  name: string;
  /** Absolute path of the child's compiled entry file (see build-servers.ts). */
  entry: string;
  /** The child's whole environment: nothing of the runner's leaks in except PATH/HOME/TMPDIR. */
  env: Record<string, string>;
  /** Pinned once ready: loading its modules unpinned uses both cores and shortens start-up. */
  core: number;
  pinning: Pinning;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: readonly string[];
  startTimeoutMs?: number;
}

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const live = new Set<ChildProcess>();

/** Kills every child still running; synchronous, so it also works inside process.on('exit'). */
export function killAllChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

let hooksInstalled = false;
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllChildren);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: stopping the benchmark servers\n`);
      killAllChildren();
      process.exit(code);
    });
  }
}

export function startChild<Info>(options: StartChildOptions): Promise<ChildServer<Info>> {
  installExitHooks();
  // node itself rather than a wrapper (npx, npm): the pid we sample is then the server's.
  const argv = [process.execPath, ...(options.nodeArgs ?? []), options.entry];
  const inherited: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[key];
    if (value !== undefined) inherited[key] = value;
  }
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: REPO_ROOT,
    env: { ...inherited, ...options.env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));

  let nextProbe = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  child.on('message', (raw: unknown) => {
    const message = raw as ChildMessage;
    if (message.type !== 'probe-result') return;
    const waiter = pending.get(message.id);
    if (waiter === undefined) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(`${options.name}: ${message.error}`));
  });
  child.once('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${options.name} exited`));
    pending.clear();
  });

  const server = (info: Info): ChildServer<Info> => ({
    name: options.name,
    pid: child.pid!,
    info,
    probe<T>(name: string, timeoutMs = 5000): Promise<T> {
      const id = nextProbe++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${options.name}: probe "${name}" got no answer in ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value as T);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        const request: ProbeRequest = { type: 'probe', id, name };
        child.send(request);
      });
    },
    stop: () => stopChild(child),
  });

  return new Promise<ChildServer<Info>>((resolve, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => fail(new Error(`${options.name} did not report ready within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (raw: unknown) => {
      const message = raw as ChildMessage;
      if (message.type === 'ready') {
        cleanup();
        try {
          options.pinning.pin(child.pid!, options.core);
        } catch (error) {
          fail(new Error(`${options.name}: taskset failed: ${String(error)}`));
          return;
        }
        resolve(server(message.info as Info));
      } else if (message.type === 'fatal') {
        fail(new Error(`${options.name} failed to start:\n${message.error}`));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(new Error(`${options.name} exited before it was ready (code ${code}, signal ${signal})`));
    const onError = (error: Error) => fail(new Error(`${options.name} could not be started: ${error.message}`));
    function cleanup(): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    function fail(error: Error): void {
      cleanup();
      void stopChild(child);
      reject(error);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    // Children exit on SIGTERM at once (child-protocol.ts): nothing to drain in a benchmark, but a --cpu-prof profile gets written.
    child.kill('SIGTERM');
  });
}
