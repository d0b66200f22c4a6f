/**
 * The reference backends' control plane over HTTP (/__stats, /__stats/reset,
 * /__faults): the backends run in their own process, so the runner cannot call
 * their in-process API.
 */
import { SERVICE_NAMES, type BackendStats, type ServiceName } from '../../backends/start-reference-backends.js';
import type { BackendUrls } from './server-env.js';

export interface BackendCalls {
  total: number;
  byService: Record<ServiceName, BackendStats>;
}

export class BackendControl {
  constructor(readonly urls: BackendUrls) {}

  async resetStats(): Promise<void> {
    await Promise.all(SERVICE_NAMES.map((name) => this.call(name, 'POST', '/__stats/reset')));
  }

  async readStats(): Promise<BackendCalls> {
    const stats = await Promise.all(SERVICE_NAMES.map(async (name) => [name, (await this.call(name, 'GET', '/__stats')) as BackendStats] as const));
    const byService = Object.fromEntries(stats) as Record<ServiceName, BackendStats>;
    return { total: stats.reduce((sum, [, s]) => sum + s.requests, 0), byService };
  }

  async hang(service: ServiceName): Promise<void> {
    await this.call(service, 'POST', '/__faults', { mode: 'hang' });
  }

  async clearFault(service: ServiceName): Promise<void> {
    await this.call(service, 'DELETE', '/__faults');
  }

  private async call(service: ServiceName, method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.urls[service]}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    if (!response.ok) throw new Error(`${service} ${method} ${path}: HTTP ${response.status}`);
    return response.json();
  }
}
