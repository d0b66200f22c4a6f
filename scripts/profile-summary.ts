/**
 * `npx tsx scripts/profile-summary.ts <file.cpuprofile> [top]`: where a server's CPU went,
 * for docs/performance.md's profile table. Prints the share of sampled time spent in each
 * area (inclusive: a frame counts for an area when any frame above it on the stack belongs to
 * it; the first matching area from the top of the list wins) and the top functions by self time.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Areas by URL (or function name), most specific first. */
const AREAS: [string, RegExp][] = [
  ['gc', /^\(garbage collector\)$/],
  ['idle', /^\((idle|program)\)$/],
  ['start-up: module loading (not per request)', /node:internal\/modules|^(wrapSafe|compileSourceTextModule|internalModuleStat|openFileHandle|readFileUtf8|realpathSync|compileForInternalLoader|fstat)$/],
  ['rate limits (ours)', /src\/edge\/(client-rate-limiter|sliding-window-limiter|field-rate-limits)/],
  ['auth (jose + ours)', /node_modules\/jose|src\/edge\/(authenticate|remote-key-set)/],
  ['graphql execution (graphql-js / graphql-jit)', /node_modules\/(graphql|graphql-jit)\/.*execut|node_modules\/graphql-jit|node_modules\/@graphql-tools\/executor|src\/execution\//],
  ['graphql parse + validate', /node_modules\/graphql\/(language|validation)/],
  ['our plugins', /src\/plugins\//],
  ['metrics (prom-client, envelop prometheus)', /node_modules\/(prom-client|@envelop\/prometheus)/],
  ['logging (pino)', /node_modules\/(pino|sonic-boom|thread-stream)/],
  ['backend HTTP (undici)', /node_modules\/undici|node:internal\/deps\/undici/],
  ['cache + loaders (ours, dataloader, keyv)', /src\/(cache|loaders)\/|node_modules\/(dataloader|keyv|lru-cache)/],
  ['upstream policy (ours, cockatiel)', /src\/upstream\/|node_modules\/cockatiel/],
  ['fetch-API adapter (@whatwg-node, yoga)', /node_modules\/(@whatwg-node|graphql-yoga|@graphql-yoga|@envelop\/core)/],
  ['resolvers + services (app)', /\/(resolvers|services)\//],
  ['node http / net', /node:(_http|http|net|internal\/(http|stream|streams))/],
];

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: npx tsx scripts/profile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const label = (node: ProfileNode) => `${node.callFrame.url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/.*?\/(src|app|services|resolvers|bench)\//, '$1/')}`;
const areaOf = (node: ProfileNode): string | undefined => {
  const key = node.callFrame.url === '' ? node.callFrame.functionName : node.callFrame.url;
  return AREAS.find(([, pattern]) => pattern.test(key) || pattern.test(node.callFrame.functionName))?.[0];
};

const selfTime = new Map<number, number>();
let total = 0;
for (let i = 0; i < profile.samples.length; i += 1) {
  const dt = profile.timeDeltas[i] ?? 0;
  selfTime.set(profile.samples[i]!, (selfTime.get(profile.samples[i]!) ?? 0) + dt);
  total += dt;
}

const areaTime = new Map<string, number>();
const functionTime = new Map<string, number>();
let busy = 0;
for (const [id, time] of selfTime) {
  const node = byId.get(id)!;
  const own = areaOf(node);
  if (own === 'idle') continue;
  busy += time;
  // Inclusive: the area of the first frame, from the leaf up, that has one.
  let area = own;
  for (let at: number | undefined = id; area === undefined && at !== undefined; at = parent.get(at)) area = areaOf(byId.get(at)!);
  areaTime.set(area ?? 'other', (areaTime.get(area ?? 'other') ?? 0) + time);
  const name = `${node.callFrame.functionName || '(anonymous)'} ${label(node)}:${node.callFrame.lineNumber + 1}`;
  functionTime.set(name, (functionTime.get(name) ?? 0) + time);
}

const pct = (time: number) => `${((100 * time) / busy).toFixed(1).padStart(5)} %`;
process.stdout.write(`${file}\nbusy ${(busy / 1e6).toFixed(1)} s of ${(total / 1e6).toFixed(1)} s sampled\n\nBy area (leaf-first attribution):\n`);
for (const [area, time] of [...areaTime].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${pct(time)}  ${area}\n`);
process.stdout.write(`\nTop functions by self time:\n`);
for (const [name, time] of [...functionTime].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25))) {
  process.stdout.write(`  ${pct(time)}  ${name}\n`);
}
