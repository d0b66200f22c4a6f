import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const ROOT = new URL('../../', import.meta.url);

export interface DemoProcess {
  /** The GraphQL URL the demo printed (`http://127.0.0.1:<port>/graphql`). */
  readonly graphqlUrl: string;
  /** The dev token for u1 the demo printed. */
  readonly token: string;
  /** SIGTERM to the demo's process group (npm and the demo under it); resolves once npm has exited. */
  stop(): Promise<void>;
}

/**
 * `npm start` as a developer runs it, on a free port of 127.0.0.1; resolves once it has
 * printed its GraphQL URL and dev token. Runs in a process group of its own, so stopping
 * it stops the demo too, not only npm.
 */
export async function spawnDemo(env: Record<string, string> = {}): Promise<DemoProcess> {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      // Not vitest's NODE_ENV=test, nor a production one inherited from the shell.
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      npm_config_update_notifier: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = once(child, 'exit');
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // Already gone.
    }
    await exited;
  };
  const lines = createInterface({ input: child.stdout });
  try {
    const printed = await new Promise<{ graphqlUrl: string; token: string }>((resolve, reject) => {
      let graphqlUrl: string | undefined;
      let tokenNext = false;
      lines.on('line', (line) => {
        const url = /GraphQL:\s+(http:\/\/\S+\/graphql)/.exec(line);
        if (url !== null) graphqlUrl = url[1];
        if (tokenNext) {
          tokenNext = false;
          const token = line.trim();
          if (graphqlUrl === undefined) reject(new Error('the demo printed its token before its GraphQL URL'));
          else resolve({ graphqlUrl, token });
        }
        if (/^Dev token for u1/.test(line)) tokenNext = true;
      });
      void exited.then(([code]) => reject(new Error(`npm start exited with ${String(code)} before printing its URL and token: ${stderr}`)));
    });
    return { ...printed, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
