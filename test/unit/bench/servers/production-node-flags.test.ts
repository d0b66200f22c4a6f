import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRODUCTION_NODE_FLAGS } from '../../../../bench/servers/production-node-flags.js';

const root = new URL('../../../../', import.meta.url);

describe('the node flags of the benchmark servers', () => {
  it('are the ones the Docker image runs the gateway with', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(new URL('Dockerfile', root), 'utf8'));
    expect(cmd).not.toBeNull();
    const argv = JSON.parse(cmd![1]!) as string[];
    expect(argv[0]).toBe('node');
    expect(argv.slice(1, -1)).toEqual(PRODUCTION_NODE_FLAGS);
  });

  it('are the ones npm start and npm run gateway run with', () => {
    const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'gateway']) expect(scripts[name]).toContain(`tsx ${PRODUCTION_NODE_FLAGS.join(' ')} app/`);
  });
});
