import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const ROOT = new URL('../../', import.meta.url);

export interface GatewayProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Parsed JSON log lines so far. */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * A real gateway process (`app/main.ts`, as `npm run gateway` runs it) with exactly
 * this environment; resolves once it logs that it listens.
 */
export async function spawnGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const logs: Record<string, unknown>[] = [];
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'gateway listening') resolve(String(entry.url).replace(/\/graphql$/, ''));
      } catch {
        // Not a log line (e.g. a warning from Node): ignore.
      }
    });
    void exited.then((code) => reject(new Error(`gateway process exited with ${code} before listening: ${stderr}`)));
  });
  return { url, child, logs, exited, kill: (signal = 'SIGTERM') => child.kill(signal) };
}
