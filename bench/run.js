'use strict';
// `npm run bench`: measures our connectors side by side with a baseline in the same run, on
// 127.0.0.1 sinks, prints a table of ratios and writes it to BENCHMARKS.md with the machine and
// versions. A harness, not a test: it asserts nothing; missed targets are reported as missed.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { TokenManager, deployteqOAuth2Config, triggerDeployteqWebhook } = require('../dist/lib');
const { startSandboxChild, runJsonChild, pool, timed } = require('./harness');

const DELIVERIES = Number(process.env.BENCH_DELIVERIES || 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 50);
const EXPORT_CHATS = Number(process.env.BENCH_EXPORT_CHATS || 100_000);
const LIMITED_CHATS = Number(process.env.BENCH_LIMITED_CHATS || 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const EXPORT_ROUNDS = Number(process.env.BENCH_EXPORT_ROUNDS || 3);
const rows = [];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

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
    const viaEngine = (i) => triggerDeployteqWebhook(ours, webhook, { email: `user${i}@example.test` });
    await pool(1000, CONCURRENCY, raw); // warm-up of sockets and JIT
    await pool(1000, CONCURRENCY, viaEngine);
    const times = { ours: [], raw: [] };
    let tokenRequests = 0;
    const runOurs = async () => {
      // a fresh manager each round: its one token request is part of what we count
      const manager = deployteqManager(sb.url);
      await sb.admin('reset', {});
      times.ours.push((await timed(() => pool(DELIVERIES, CONCURRENCY, (i) => triggerDeployteqWebhook(manager, webhook, { email: `user${i}@example.test` })))).ms);
      const counters = await sb.admin('counters');
      tokenRequests = Math.max(tokenRequests, counters.tokenRequests);
      if (counters.deliveries !== DELIVERIES) throw new Error(`expected ${DELIVERIES} deliveries, sandbox saw ${counters.deliveries}`);
    };
    const runRaw = async () => {
      await sb.admin('reset', {});
      times.raw.push((await timed(() => pool(DELIVERIES, CONCURRENCY, raw))).ms);
    };
    for (let round = 0; round < ROUNDS; round++) {
      // alternate which side goes first so drift in the machine's load hits both alike
      for (const run of round % 2 ? [runRaw, runOurs] : [runOurs, runRaw]) await run();
    }
    row(`token requests for ${DELIVERIES.toLocaleString('en-US')} webhook deliveries`, String(tokenRequests), 'n/a', 'n/a', '1', tokenRequests === 1, `worst of ${ROUNDS} rounds`);
    const mid = { ours: median(times.ours), raw: median(times.raw) };
    const ratio = mid.raw / mid.ours;
    row(`engine webhook throughput vs raw keep-alive fetch (concurrency ${CONCURRENCY})`, fmt.perSec(DELIVERIES, mid.ours), fmt.perSec(DELIVERIES, mid.raw), fmt.ratio(ratio), '≥ 0.90×', ratio >= 0.9, `median of ${ROUNDS} interleaved rounds each`);

    // 100 calls in flight when the token expires (server-side expiry: each call gets a 401)
    const manager = deployteqManager(sb.url);
    await manager.getTokens();
    await sb.admin('reset', {});
    await sb.admin('expire', { provider: 'deployteq' });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => triggerDeployteqWebhook(manager, webhook, { i })));
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
  return { package: `${self.name} ${self.version}`, node: process.version, 'node-red (tests)': pkg('node-red') };
}

function table() {
  const head = '| measurement | ours | baseline | ratio | target | met |\n|---|---|---|---|---|---|';
  const lines = rows.map((r) => `| ${r.name}${r.note ? ` (${r.note})` : ''} | ${r.ours} | ${r.baseline} | ${r.ratio} | ${r.target} | ${r.met === null ? 'not run' : r.met ? 'yes' : '**missed**'} |`);
  return [head, ...lines].join('\n');
}

async function main() {
  await benchDeliveries();
  await benchExport();
  await benchRateLimited();
  notMeasured('Node-RED deployteq-webhook throughput vs the core http request node (static Bearer) and vs a raw keep-alive fetch loop', '≥ 2× core, ≥ 0.9× raw', 'the Node-RED throughput runner is not written yet');
  notMeasured('n8n Deployteq node vs n8n HTTP Request node with the same credential, 10,000 items', 'not slower', 'the n8n runner is not written yet');
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}`;
  const v = versions();
  const text = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${machine}.`,
    `Versions: ${Object.entries(v).map(([k, val]) => `${k} ${val}`).join(', ')}.`,
    'Every ratio compares two runs made side by side in the same session against servers on 127.0.0.1.',
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
