import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A redis-server of the test's own, on a spare port, that the test may kill and restart. */
export interface TestRedisServer {
  readonly port: number;
  readonly url: string;
  /** SIGKILL: as if the machine running Redis died. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: it keeps nothing on disk). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function spawnRedis(port: number): Promise<ChildProcess> {
  // DEBUG SLEEP (a stuck Redis, on demand) needs the debug command, from loopback only.
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--enable-debug-command', 'local'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Resolves on Redis' own "ready" line rather than polling the port.
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) resolve();
    });
  });
  return child;
}

export async function startRedisServer(): Promise<TestRedisServer> {
  const port = await sparePort();
  let child: ChildProcess | null = await spawnRedis(port);
  const stopChild = async (signal: NodeJS.Signals) => {
    if (child === null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
    child = null;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => stopChild('SIGKILL'),
    async restart() {
      await stopChild('SIGKILL');
      child = await spawnRedis(port);
    },
    stop: () => stopChild('SIGTERM'),
  };
}
