import type { Clock } from '../clock.js';
import type { BreakerWindow } from './breaker-window.js';
import { createConsecutiveWindow } from './consecutive-window.js';
import { createCountWindow } from './count-window.js';
import { createSamplingWindow } from './sampling-window.js';
import type { BreakerSettings } from './service-settings.js';

/** The window of a breaker kind (GATEWAY_CONFIG `services.<name>.breaker`). */
export function createBreakerWindow(settings: BreakerSettings, now?: Clock): BreakerWindow {
  switch (settings.kind) {
    case 'consecutive':
      return createConsecutiveWindow(settings.threshold);
    case 'count':
      return createCountWindow({
        failureRate: settings.failureRate,
        size: settings.windowSize,
        minimumCalls: settings.minimumCalls,
        slowCallRate: settings.slowCallRate,
      });
    case 'sampling':
      return createSamplingWindow({
        failureRate: settings.failureRate,
        durationMs: settings.windowMs,
        minimumRps: settings.minimumRps,
        slowCallRate: settings.slowCallRate,
        ...(now === undefined ? {} : { now }),
      });
  }
}
