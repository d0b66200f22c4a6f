/**
 * Prints a live /metrics scrape of a gateway in front of the reference backends,
 * after traffic that moves every family (success, retries, a breaker opening,
 * cache hits). CI pipes it to `promtool check metrics`.
 */
import { Writable } from 'node:stream';
import { startReferenceBackends } from '../backends/start-reference-backends.js';
import { gatewayApp, loadAppConfig, serviceUrlEnv } from '../app/gateway-app.js';
import { DEV_JWT_SECRET } from '../src/config/dev-secrets.js';
import { signDevToken } from '../src/edge/sign-dev-token.js';
import { createGateway } from '../src/gateway.js';
import { createLogger } from '../src/observability/create-logger.js';

const backends = await startReferenceBackends();
const config = loadAppConfig({
  ...serviceUrlEnv(backends.urls),
  UPSTREAM_MAX_RETRIES: '1',
}, { allowDevSecrets: true });
const gateway = createGateway(config, gatewayApp, {
  logger: createLogger({ level: 'silent', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) }),
});
const { url } = await gateway.listen(0, '127.0.0.1');
const token = await signDevToken('u1', config.jwtSecret ?? DEV_JWT_SECRET);
const query = (text: string) =>
  fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: text }),
  }).then((response) => response.text());

for (let i = 0; i < 3; i += 1) {
  await query('query Home { viewer { name orders(first: 5) { nodes { items { product { name } } } } } recommendations(first: 3) { id } }');
}
backends.recommendations.setFault({ mode: '503' });
for (let i = 0; i < 4; i += 1) await query('query Recs { recommendations(first: 3) { id } }');
await query('{ nope }');
process.stdout.write(await (await fetch(`${url}/metrics`)).text());
await gateway.close();
await backends.close();
