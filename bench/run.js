'use strict';
// `npm run bench`: measures our connectors side by side with a baseline in the same run, on
// 127.0.0.1 sinks, prints a table of ratios and writes it to BENCHMARKS.md with the machine and
// versions. A harness, not a test: it asserts nothing; missed targets are reported as missed.
// Sizes: BENCH_DELIVERIES, BENCH_CONCURRENCY, BENCH_ROUNDS, BENCH_EXPORT_CHATS, BENCH_EXPORT_ROUNDS,
// BENCH_LIMITED_CHATS; Node-RED (node-red-throughput.js): BENCH_NODE_RED_DELIVERIES,
// BENCH_NODE_RED_CONCURRENCY, BENCH_NODE_RED_ROUNDS, BENCH_NODE_RED_WARMUP; n8n (n8n-compare.js):
// BENCH_N8N_ITEMS, BENCH_N8N_ROUNDS, BENCH_N8N_WARMUP=0 (skip the untimed cold-credential runs).
const fs = require('node:fs');
const os = require('node:os');
const http = require('node:http');
const path = require('node:path');
const { TokenManager, deployteqOAuth2Config, triggerDeployteqWebhook, installNodeHost } = require('../dist/lib');

installNodeHost();
const { startSandboxChild, runJsonChild, pool, timed, median } = require('./harness');
const { benchNodeRed } = require('./node-red-throughput');
const { benchN8n } = require('./n8n-compare');
const { benchN8nQueueRows } = require('./n8n-queue');

const DELIVERIES = Number(process.env.BENCH_DELIVERIES || 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 50);
const EXPORT_CHATS = Number(process.env.BENCH_EXPORT_CHATS || 100_000);
const LIMITED_CHATS = Number(process.env.BENCH_LIMITED_CHATS || 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const EXPORT_ROUNDS = Number(process.env.BENCH_EXPORT_ROUNDS || 3);
const NODE_RED_DELIVERIES = Number(process.env.BENCH_NODE_RED_DELIVERIES || 10_000);
const NODE_RED_CONCURRENCY = Number(process.env.BENCH_NODE_RED_CONCURRENCY || CONCURRENCY);
const NODE_RED_ROUNDS = Number(process.env.BENCH_NODE_RED_ROUNDS || ROUNDS);
const NODE_RED_WARMUP = Number(process.env.BENCH_NODE_RED_WARMUP || 1000);
const N8N_ITEMS = Number(process.env.BENCH_N8N_ITEMS || 10_000);
const N8N_ROUNDS = Number(process.env.BENCH_N8N_ROUNDS || 3);
const N8N_WARMUP = process.env.BENCH_N8N_WARMUP !== '0';
// BENCH_ONLY=node-red,n8n (comma list of deliveries, export, rate-limit, node-red, n8n, n8n-queue): run only those
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
const rows = [];
/** How fast this machine is, for comparing runs: the raw loops' rates (set by the deliveries bench). */
const machine = {};

function row(name, ours, baseline, ratio, target, met, note = '') {
  rows.push({ name, ours, baseline, ratio, target, met, note });
}

const fmt = {
  ms: (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`),
  perSec: (n, ms) => `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s`,
  ratio: (r) => `${r.toFixed(2)}×`,
};

function deployteqManager(url) {
  return new TokenManager({
    config: deployteqOAuth2Config({ clientId: 'dt-client', clientSecret: 'dt-secret+%:&/x', grant: 'client_credentials', authBaseUrl: `${url}/deployteq` }),
    grant: { type: 'client_credentials' },
  });
}

async function benchDeliveries() {
  const sb = await startSandboxChild({});
  try {
    const webhook = `${sb.url}/deployteq/webhook/bench`;
    const ours = deployteqManager(sb.url);
    const token = (await ours.getTokens()).accessToken;
    const raw = (i) => fetch(webhook, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: `user${i}@example.test` }),
    }).then((r) => r.json()); // the connector hands back the parsed answer, so the baseline parses it too
    // the physical limit of the engine's own transport: Node's http client with a keep-alive agent
    // (the engine reads answers through node:http since the response-size cap), nothing else
    const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 64 });
    const rawHttp = (i) => new Promise((resolve, reject) => {
      const body = JSON.stringify({ email: `user${i}@example.test` });
      const req = http.request(webhook, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => { try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch (e) { reject(e); } });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
    const viaEngine = (i) => triggerDeployteqWebhook(ours, webhook, { email: `user${i}@example.test` }, { authBaseUrl: webhook });
    await pool(1000, CONCURRENCY, raw); // warm-up of sockets and JIT
    await pool(1000, CONCURRENCY, rawHttp);
    await pool(1000, CONCURRENCY, viaEngine);
    const times = { ours: [], raw: [], rawHttp: [] };
    let tokenRequests = 0;
    const runOurs = async () => {
      // a fresh manager each round: its one token request is part of what we count
      const manager = deployteqManager(sb.url);
      await sb.admin('reset', {});
      times.ours.push((await timed(() => pool(DELIVERIES, CONCURRENCY, (i) => triggerDeployteqWebhook(manager, webhook, { email: `user${i}@example.test` }, { authBaseUrl: webhook })))).ms);
      const counters = await sb.admin('counters');
      tokenRequests = Math.max(tokenRequests, counters.tokenRequests);
      if (counters.deliveries !== DELIVERIES) throw new Error(`expected ${DELIVERIES} deliveries, sandbox saw ${counters.deliveries}`);
    };
    const runRaw = async () => {
      await sb.admin('reset', {});
      times.raw.push((await timed(() => pool(DELIVERIES, CONCURRENCY, raw))).ms);
    };
    const runRawHttp = async () => {
      await sb.admin('reset', {});
      times.rawHttp.push((await timed(() => pool(DELIVERIES, CONCURRENCY, rawHttp))).ms);
    };
    const orders = [[runOurs, runRaw, runRawHttp], [runRawHttp, runOurs, runRaw], [runRaw, runRawHttp, runOurs]];
    for (let round = 0; round < ROUNDS; round++) {
      // rotate which side goes first so drift in the machine's load hits all alike
      for (const run of orders[round % orders.length]) await run();
    }
    row(`token requests for ${DELIVERIES.toLocaleString('en-US')} webhook deliveries`, String(tokenRequests), 'n/a', 'n/a', '1', tokenRequests === 1, `worst of ${ROUNDS} rounds`);
    const mid = { ours: median(times.ours), raw: median(times.raw) };
    const ratio = mid.raw / mid.ours;
    row(`engine webhook throughput vs raw keep-alive fetch (concurrency ${CONCURRENCY})`, fmt.perSec(DELIVERIES, mid.ours), fmt.perSec(DELIVERIES, mid.raw), fmt.ratio(ratio), '≥ 0.95×', ratio >= 0.95, `median of ${ROUNDS} interleaved rounds each; the machine's speed: the raw fetch loop's rate`);
    const midHttp = median(times.rawHttp);
    const ratioHttp = midHttp / mid.ours;
    row(`engine webhook throughput vs a raw keep-alive node:http loop, the engine's own transport (concurrency ${CONCURRENCY})`, fmt.perSec(DELIVERIES, mid.ours), fmt.perSec(DELIVERIES, midHttp), fmt.ratio(ratioHttp), '≥ 0.95×', ratioHttp >= 0.95, `median of ${ROUNDS} interleaved rounds each; token hand-out, URL policy, headers, retry wrapper, 64 MiB body cap, JSON parse on top`);
    machine.rawFetchPerSec = Math.round((DELIVERIES / mid.raw) * 1000);
    machine.rawHttpPerSec = Math.round((DELIVERIES / midHttp) * 1000);

    // 100 calls in flight when the token expires (server-side expiry: each call gets a 401)
    const manager = deployteqManager(sb.url);
    await manager.getTokens();
    await sb.admin('reset', {});
    await sb.admin('expire', { provider: 'deployteq' });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => triggerDeployteqWebhook(manager, webhook, { i }, { authBaseUrl: webhook })));
    const counters = await sb.admin('counters');
    const ok = results.every((r) => r.status === 200);
    row('token requests for 100 calls in flight when the token expires', String(counters.tokenRequests), 'n/a', 'n/a', '1', counters.tokenRequests === 1 && ok, ok ? '' : 'some calls failed');
  } finally {
    await sb.stop();
  }
}

async function benchExport() {
  const sb = await startSandboxChild({ chatCount: EXPORT_CHATS, rateLimit: false });
  try {
    const times = { ours: [], raw: [] };
    const rss = { ours: [], raw: [] };
    const once = async (mode) => {
      const run = await runJsonChild('export-child.js', [mode, sb.url, '1000']);
      if (run.chats !== EXPORT_CHATS) throw new Error(`${mode} export counted ${run.chats} of ${EXPORT_CHATS}`);
      times[mode].push(run.ms);
      rss[mode].push(run.maxRssMiB);
    };
    for (let round = 0; round < EXPORT_ROUNDS; round++) {
      for (const mode of round % 2 ? ['raw', 'ours'] : ['ours', 'raw']) await once(mode);
    }
    const mid = { ours: median(times.ours), raw: median(times.raw) };
    const ratio = mid.ours / mid.raw;
    row(`Zendesk Chat incremental export of ${EXPORT_CHATS.toLocaleString('en-US')} chats: wall time vs raw paged fetch (no rate limit)`, fmt.ms(mid.ours), fmt.ms(mid.raw), fmt.ratio(ratio), '≤ 1.10×', ratio <= 1.1, `median of ${EXPORT_ROUNDS} interleaved rounds each, 1,000 per page`);

    await sb.admin('configure', { chatCount: EXPORT_CHATS / 10 });
    const small = [];
    for (let round = 0; round < EXPORT_ROUNDS; round++) small.push((await runJsonChild('export-child.js', ['ours', sb.url, '1000'])).maxRssMiB);
    const big = median(rss.ours);
    const rssRatio = big / median(small);
    row(`peak RSS of the export client: ${EXPORT_CHATS.toLocaleString('en-US')} vs ${(EXPORT_CHATS / 10).toLocaleString('en-US')} chats`, `${big.toFixed(0)} MiB`, `${median(small).toFixed(0)} MiB`, fmt.ratio(rssRatio), 'flat (≤ 1.20×)', rssRatio <= 1.2, `medians; the raw loop peaks at ${median(rss.raw).toFixed(0)} MiB for ${EXPORT_CHATS.toLocaleString('en-US')}`);
  } finally {
    await sb.stop();
  }
}

async function benchRateLimited() {
  // Zendesk allows 200 requests a minute. To keep the run short the window is scaled 10× in time
  // (200 per 6 s): the limiter logic is the same; the floor scales with it.
  const limit = 200;
  const windowMs = 6000;
  const pageSize = 100;
  const sb = await startSandboxChild({ chatCount: LIMITED_CHATS, rateLimit: false });
  try {
    // API requests: one per full page plus the final short page.
    const requests = Math.floor(LIMITED_CHATS / pageSize) + 1;
    const unthrottled = await runJsonChild('export-child.js', ['ours', sb.url, String(pageSize)]);
    // The floor: the whole windows the limit forces, plus the requests left for the last window
    // at the unthrottled pace.
    const windows = Math.floor((requests - 1) / limit);
    const floorMs = windows * windowMs + (unthrottled.ms / requests) * (requests - windows * limit);
    await sb.admin('configure', { rateLimit: { limit, windowMs } });
    await sb.admin('reset', {});
    const withLimiter = await runJsonChild('export-child.js', ['ours', sb.url, String(pageSize), `${limit}/${windowMs + 150}`]);
    const limited = await sb.admin('counters');
    await sb.admin('reset', {});
    const without = await runJsonChild('export-child.js', ['ours', sb.url, String(pageSize)]);
    const unlimited = await sb.admin('counters');
    row(`429s received exporting ${LIMITED_CHATS.toLocaleString('en-US')} chats under ${limit} req/${windowMs / 1000} s, with the client-side limiter (baseline: without it)`, String(limited.rateLimited), String(unlimited.rateLimited), 'n/a', '0', limited.rateLimited === 0, `${withLimiter.pages} pages of ${pageSize}; without the limiter the engine waits out each 429's Retry-After`);
    row('wall time of that export vs the limit\'s floor', fmt.ms(withLimiter.ms), fmt.ms(floorMs), fmt.ratio(withLimiter.ms / floorMs), '≤ 1.10×', withLimiter.ms / floorMs <= 1.1, `floor = ${windows} forced windows + the rest at the unthrottled pace; without the limiter: ${fmt.ms(without.ms)}`);
  } finally {
    await sb.stop();
  }
}

async function benchNodeRedRows() {
  const r = await benchNodeRed({ deliveries: NODE_RED_DELIVERIES, concurrency: NODE_RED_CONCURRENCY, rounds: NODE_RED_ROUNDS, warmup: NODE_RED_WARMUP });
  const mid = { ours: median(r.ms.ours), core: median(r.ms.core), raw: median(r.ms.raw) };
  const n = NODE_RED_DELIVERIES.toLocaleString('en-US');
  const how = `median of ${NODE_RED_ROUNDS} interleaved rounds of ${n} deliveries each; a function node keeps ${NODE_RED_CONCURRENCY} messages in flight; every record arrived exactly once at the sandbox`;
  const core = mid.core / mid.ours;
  row(`Node-RED ${r.version} deployteq-webhook throughput vs the core http request node with a static Bearer header and keep-alive (concurrency ${NODE_RED_CONCURRENCY})`,
    fmt.perSec(NODE_RED_DELIVERIES, mid.ours), fmt.perSec(NODE_RED_DELIVERIES, mid.core), fmt.ratio(core), '≥ 2.00×', core >= 2,
    `${how}; token requests by our config node over the warm-up and all rounds: ${r.tokenRequests}`);
  const raw = mid.raw / mid.ours;
  row(`Node-RED deployteq-webhook throughput vs a raw keep-alive fetch loop in its own process (concurrency ${NODE_RED_CONCURRENCY})`,
    fmt.perSec(NODE_RED_DELIVERIES, mid.ours), fmt.perSec(NODE_RED_DELIVERIES, mid.raw), fmt.ratio(raw), '≥ 0.90×', raw >= 0.9,
    `${how}; the Node-RED side adds the flow's message passing`);
}

async function benchN8nRows() {
  let r;
  try {
    r = await benchN8n({ items: N8N_ITEMS, rounds: N8N_ROUNDS, warmup: N8N_WARMUP });
  } catch (error) {
    if (!error.unavailable) throw error;
    notMeasured(`n8n Deployteq node vs n8n HTTP Request node with the same credential, ${N8N_ITEMS.toLocaleString('en-US')} items`, 'not slower', error.message);
    return;
  }
  const n = N8N_ITEMS.toLocaleString('en-US');
  const mid = (what) => ({ ours: median(r[what].ours), http: median(r[what].http) });
  const wall = mid('wallMs');
  const exec = mid('executionMs');
  const node = mid('nodeMs');
  const perItem = (ms) => `${(ms / N8N_ITEMS).toFixed(2)} ms/item`;
  const tokens = [...r.tokenRequests.warmup.map((w) => `${w.mode === 'ours' ? 'Deployteq' : 'HTTP Request'} ${w.n} (warm-up from a cold credential)`), `${r.tokenRequests.rounds} in the timed runs`].join(', ');
  const how = `median of ${N8N_ROUNDS} interleaved rounds; a Code node makes the items; Deployteq: one request per item, default concurrency; HTTP Request: POST JSON per item, predefined credential type deployteqOAuth2Api, defaults; ${n} deliveries per run checked at the sandbox`;
  row(`n8n ${r.version} Deployteq node vs HTTP Request node with the same client-credentials credential, ${n} items: wall time of \`n8n execute\``,
    fmt.ms(wall.ours), fmt.ms(wall.http), fmt.ratio(wall.ours / wall.http), 'not slower (≤ 1.00×)', wall.ours <= wall.http,
    `${how}; includes n8n's start-up per run; the execution alone (stoppedAt − startedAt): ${fmt.ms(exec.ours)} vs ${fmt.ms(exec.http)}; token requests: ${tokens}`);
  row(`the same, the node's own execution time (runData executionTime) per item`,
    perItem(node.ours), perItem(node.http), fmt.ratio(node.ours / node.http), 'not slower (≤ 1.00×)', node.ours <= node.http,
    `medians: ${fmt.ms(node.ours)} vs ${fmt.ms(node.http)} for ${n} items`);
}

function notMeasured(name, target, why) {
  row(name, '—', '—', '—', target, null, `not measured in this run: ${why}`);
}

function versions() {
  const pkg = (name) => {
    try {
      return require(`${name}/package.json`).version;
    } catch {
      return 'not installed';
    }
  };
  const self = require('../package.json');
  return { package: `${self.name} ${self.version}`, node: process.version, 'node-red (tests)': pkg('node-red'), n8n: `${require('../scripts/n8n').N8N_VERSION} (under Node 24)` };
}

function table() {
  const head = '| measurement | ours | baseline | ratio | target | met |\n|---|---|---|---|---|---|';
  const lines = rows.map((r) => `| ${r.name}${r.note ? ` (${r.note})` : ''} | ${r.ours} | ${r.baseline} | ${r.ratio} | ${r.target} | ${r.met === null ? 'not run' : r.met ? 'yes' : '**missed**'} |`);
  return [head, ...lines].join('\n');
}

async function main() {
  const sections = { deliveries: benchDeliveries, export: benchExport, 'rate-limit': benchRateLimited, 'node-red': benchNodeRedRows, n8n: benchN8nRows, 'n8n-queue': () => benchN8nQueueRows(row, notMeasured) };
  for (const [name, run] of Object.entries(sections)) if (!ONLY || ONLY.has(name)) await run();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const hardware = `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}`;
  const speed = machine.rawFetchPerSec
    ? `How fast this machine is: a raw keep-alive \`fetch\` loop posts ${machine.rawFetchPerSec.toLocaleString('en-US')} webhook requests/s to the local sandbox (a raw \`node:http\` loop ${machine.rawHttpPerSec.toLocaleString('en-US')}/s, concurrency ${CONCURRENCY}); compare runs on other machines by these rates.`
    : 'How fast this machine is: not measured (the deliveries bench did not run).';
  const v = versions();
  const text = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${hardware}.`,
    speed,
    `Versions: ${Object.entries(v).map(([k, val]) => `${k} ${val}`).join(', ')}.`,
    'Every ratio compares two runs made side by side in the same session against servers on 127.0.0.1.',
    ...(ONLY ? [`Partial run: only ${[...ONLY].join(', ')} (BENCH_ONLY).`] : []),
    '',
    table(),
    '',
  ].join('\n');
  process.stdout.write(`\n${table()}\n`);
  fs.writeFileSync(path.join(__dirname, '..', 'BENCHMARKS.md'), text);
  process.stdout.write('\nwritten to BENCHMARKS.md\n');
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.stack || error.message}\n`);
  process.exit(1);
});
