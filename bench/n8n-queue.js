'use strict';
// The n8n queue-mode rows: token requests per token lifetime, per credential, when n8n runs as main +
// 2 workers (`n8n worker --concurrency=10`, Postgres and Redis from scripts/services.js), next to the
// same load on a single `n8n start` process (regular mode, same Postgres server, own database).
//
// For each credential: a workflow started by a production webhook on main (main enqueues it in queue
// mode), one warm-up call (the credential's first token), then `lifetimes` times: every access token
// of the provider is expired at the sandbox (admin API) and `burst` calls are sent at once, so all
// of them meet the expired token together — the worst case of a token expiring under full load. The
// token requests the sandbox counted in that lifetime are the figure; every call must answer 200.
// The token endpoint answers after `tokenDelayMs` (a realistic provider is not instant).
//
// The preAuthentication credentials whose tokens carry a lifetime are measured a second way ("stored expiry"): tokens live
// `STORED_LIFETIME_S` seconds and each lifetime waits until they have expired by the expiry n8n
// saved with them, as a token normally ends. There the credential knows before a call that its
// token is spent, so one call per process spends a 401 (the marker that makes n8n run
// preAuthentication) and the others wait for its grant.
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const { DEFAULT_CLIENTS, DEFAULT_USERS } = require('../dist/sandbox');
const { startSandboxChild, median } = require('./harness');
const n8nScript = require('../scripts/n8n');
const services = require('../scripts/services');

const OWNER = { email: 'bench@example.test', firstName: 'Bench', lastName: 'Owner', password: 'Bench-pass-2041' };
const dt = DEFAULT_CLIENTS.deployteq[0];
const zd = DEFAULT_CLIENTS.zendesk[0];
const gen = DEFAULT_CLIENTS.generic.find((c) => !c.public);

/** The access-token lifetime (seconds) of the "stored expiry" measurement. */
const STORED_LIFETIME_S = 10;

/** The REST API of an n8n main, as the editor uses it. */
function restClient(base) {
  let cookie = '';
  const call = async (method, route, body) => {
    const res = await fetch(`${base}/rest${route}`, {
      method,
      headers: { 'content-type': 'application/json', 'browser-id': 'bench-browser', ...(cookie ? { cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    for (const line of res.headers.getSetCookie()) if (line.startsWith('n8n-auth=')) cookie = line.split(';')[0];
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /rest${route}: HTTP ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text).data;
  };
  return {
    call,
    /** Creates and activates a webhook workflow; waits (bounded) until main registered its POST webhook. */
    async webhookWorkflow(name, path, worker) {
      const nodes = [
        { id: 'w', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: randomUUID(), parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} } },
        { id: 'n', position: [200, 0], ...worker },
      ];
      const created = await call('POST', '/workflows', { name, active: false, nodes, connections: { Webhook: { main: [[{ node: worker.name, type: 'main', index: 0 }]] } }, settings: { executionOrder: 'v1' } });
      await call('POST', `/workflows/${created.id}/activate`, { versionId: created.versionId });
      const deadline = Date.now() + 60_000;
      for (;;) {
        const text = await (await fetch(`${base}/webhook/${path}`, { signal: AbortSignal.timeout(10_000) })).text();
        if (text.includes('not registered for GET requests')) return created.id;
        if (Date.now() > deadline) throw new Error(`webhook ${path} not registered within 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
  };
}

/** The tokens a Deployteq sign-in (authorization code, auto-approved consent) gives. */
async function deployteqCodeTokens(sandboxUrl) {
  const redirectUri = 'http://127.0.0.1:9/rest/oauth2-credential/callback';
  const authorize = new URL(`${sandboxUrl}/deployteq/oauth2/auth`);
  authorize.search = new URLSearchParams({ client_id: dt.clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'apps.webhook:execute offline_access', state: 'b1' }).toString();
  const consent = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(String(consent.headers.get('location'))).searchParams.get('code');
  const enc = (v) => encodeURIComponent(v).replace(/%20/g, '+');
  const res = await fetch(`${sandboxUrl}/deployteq/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${enc(dt.clientId)}:${enc(dt.clientSecret)}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: String(code), redirect_uri: redirectUri }).toString(),
  });
  if (res.status !== 200) throw new Error(`Deployteq code exchange: HTTP ${res.status}`);
  return res.json();
}

/** The four credentials measured: their data, the provider whose tokens expire, the node that uses them. */
function cases(sandboxUrl, prefix) {
  const deployteqNode = (type, credential, hook) => ({
    name: 'Deployteq', type: `${n8nScript.PACKAGE_NAME}.deployteq`, typeVersion: 1, credentials: { [type]: credential },
    parameters: { authentication: 'deployteqOAuth2', resource: 'webhook', operation: 'trigger', endpointUrl: `${sandboxUrl}/deployteq/webhook/${hook}`, bodySource: 'raw', jsonBody: '={{ JSON.stringify($json.body) }}', delivery: 'perItem', options: {} },
  });
  return [
    {
      key: 'deployteqClientCredentials', label: 'Deployteq OAuth2, client credentials (n8n\'s OAuth2)', provider: 'deployteq', type: 'deployteqOAuth2Api',
      data: async () => ({ grantType: 'clientCredentials', authHost: 'custom', customAuthBaseUrl: `${sandboxUrl}/deployteq`, clientId: dt.clientId, clientSecret: dt.clientSecret, scopes: ['apps.webhook:execute'] }),
      node: (credential) => deployteqNode('deployteqOAuth2Api', credential, `${prefix}-cc`),
    },
    {
      key: 'deployteqAuthorizationCode', label: 'Deployteq OAuth2, authorization code, rotating refresh tokens (n8n\'s OAuth2)', provider: 'deployteq', type: 'deployteqOAuth2Api',
      data: async () => ({ grantType: 'authorizationCode', authHost: 'custom', customAuthBaseUrl: `${sandboxUrl}/deployteq`, clientId: dt.clientId, clientSecret: dt.clientSecret, scopes: ['apps.webhook:execute', 'offline_access'], oauthTokenData: await deployteqCodeTokens(sandboxUrl) }),
      node: (credential) => deployteqNode('deployteqOAuth2Api', credential, `${prefix}-code`),
    },
    {
      key: 'zendeskPassword', label: 'Zendesk Chat password (preAuthentication)', provider: 'zendesk', type: 'zendeskChatPasswordOAuth2Api',
      data: async () => ({ subdomain: 'acme', host: 'current', baseUrl: `${sandboxUrl}/zendesk`, clientId: zd.clientId, clientSecret: zd.clientSecret, username: DEFAULT_USERS.zendesk.email, password: DEFAULT_USERS.zendesk.password, scopes: ['read'] }),
      node: (credential) => ({ name: 'Account', type: `${n8nScript.PACKAGE_NAME}.zendeskChat`, typeVersion: 1, credentials: { zendeskChatPasswordOAuth2Api: credential }, parameters: { authentication: 'password', resource: 'account', operation: 'get' } }),
    },
    {
      key: 'advancedPassword', label: 'Advanced OAuth2, password grant (preAuthentication) in n8n\'s HTTP Request node', provider: 'generic', type: 'advancedOAuth2Api',
      data: async () => ({ grantType: 'password', tokenUrl: `${sandboxUrl}/generic/oauth2/token`, clientId: gen.clientId, clientSecret: gen.clientSecret, clientAuthentication: 'basic', username: DEFAULT_USERS.generic.username, password: DEFAULT_USERS.generic.password, scope: 'read', headerName: 'Authorization', headerPrefix: 'Bearer' }),
      node: (credential) => ({ name: 'Me', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, credentials: { advancedOAuth2Api: credential }, parameters: { url: `${sandboxUrl}/generic/api/me`, authentication: 'predefinedCredentialType', nodeCredentialType: 'advancedOAuth2Api', options: {} } }),
    },
  ];
}

const PRE_AUTHENTICATION = ['zendeskPassword', 'advancedPassword'];
/** The preAuthentication credentials whose tokens carry a lifetime (Zendesk Chat sends no `expires_in`: its tokens only end at the server). */
const STORED_EXPIRY = ['advancedPassword'];

/**
 * Measures every credential on one n8n (its main at `mainUrl`): per lifetime, the token requests the
 * sandbox counted (all grants of the provider), the calls that did not answer 200, refresh-token reuse.
 * Then the preAuthentication credentials again with tokens that end by their stored expiry (keys
 * `<key>Stored`).
 */
async function measure(sb, mainUrl, prefix, options) {
  const rest = restClient(mainUrl);
  await rest.call('POST', '/owner/setup', OWNER);
  await rest.call('POST', '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
  const out = {};
  for (const c of cases(sb.url, prefix)) out[c.key] = await measureOne(sb, mainUrl, rest, prefix, c, options, 'server');
  for (const c of cases(sb.url, `${prefix}-stored`).filter((x) => STORED_EXPIRY.includes(x.key))) {
    await sb.admin('configure', { accessTokenLifetime: { [c.provider]: STORED_LIFETIME_S } });
    try {
      out[`${c.key}Stored`] = await measureOne(sb, mainUrl, rest, `${prefix}-stored`, c, options, 'stored');
    } finally {
      await sb.admin('configure', { accessTokenLifetime: { [c.provider]: 3600 } });
    }
  }
  return out;
}

/** One credential: warm-up, then `lifetimes` bursts, each after its tokens expired (at the sandbox, or by their stored expiry). */
async function measureOne(sb, mainUrl, rest, prefix, c, { lifetimes, burst }, expiry) {
  const created = await rest.call('POST', '/credentials', { name: `${prefix} ${c.key}`, type: c.type, data: await c.data() });
  const path = `${prefix}-${c.key}`.toLowerCase();
  await rest.webhookWorkflow(`${prefix} ${c.key}`, path, c.node({ id: created.id, name: `${prefix} ${c.key}` }));
  const fire = (n) => Promise.all(Array.from({ length: n }, (_, i) => fetch(`${mainUrl}/webhook/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq: i }), signal: AbortSignal.timeout(120_000),
  }).then(async (r) => {
    await r.arrayBuffer();
    return r.status;
  }, () => 0)));
  const total = (counters) => Object.values(counters.tokenRequestsByProviderGrant[c.provider]).reduce((a, b) => a + b, 0);
  let failed = (await fire(1)).filter((s) => s !== 200).length; // warm-up: the credential's first token
  const perLifetime = [];
  const rejectedPerLifetime = [];
  let reuse = 0;
  for (let l = 0; l < lifetimes; l++) {
    const before = await sb.admin('counters');
    if (expiry === 'stored') await new Promise((resolve) => setTimeout(resolve, STORED_LIFETIME_S * 1000 + 500));
    else await sb.admin('expire', { provider: c.provider });
    failed += (await fire(burst)).filter((s) => s !== 200).length;
    const after = await sb.admin('counters');
    perLifetime.push(total(after) - total(before));
    rejectedPerLifetime.push(after.bearerRejected[c.provider] - before.bearerRejected[c.provider]);
    reuse += after.refreshTokenReuse - before.refreshTokenReuse;
  }
  return {
    label: c.label, expiry, perLifetime, median: median(perLifetime), max: Math.max(...perLifetime), failed, calls: 1 + lifetimes * burst, refreshTokenReuse: reuse,
    rejected: { median: median(rejectedPerLifetime), max: Math.max(...rejectedPerLifetime) },
  };
}

/**
 * Returns { version, workers, concurrency, burst, lifetimes, tokenDelayMs, queue: {key: figures}, single: {key: figures} }.
 * Throws an error with `unavailable: true` when n8n, PostgreSQL or Redis cannot be had.
 */
async function benchN8nQueue({
  workers = 2, concurrency = 10,
  burst = Number(process.env.BENCH_N8N_QUEUE_BURST || 20),
  lifetimes = Number(process.env.BENCH_N8N_QUEUE_LIFETIMES || 3),
  tokenDelayMs = Number(process.env.BENCH_N8N_QUEUE_TOKEN_DELAY_MS || 200),
} = {}) {
  let n8n;
  let postgres;
  let redis;
  try {
    n8n = n8nScript.ensureN8n();
    [postgres, redis] = await Promise.all([services.startPostgres({ maxLifetimeMs: 30 * 60_000 }), services.startRedis({ maxLifetimeMs: 30 * 60_000 })]);
  } catch (error) {
    await services.stopAll();
    throw Object.assign(new Error(`n8n ${n8nScript.N8N_VERSION}, PostgreSQL or Redis is not available: ${error.message}`), { unavailable: true });
  }
  const sb = await startSandboxChild({ maxLifetimeMs: 30 * 60_000, consent: 'auto-approve', rateLimit: false, tokenDelayMs });
  const result = { version: n8n.version, workers, concurrency, burst, lifetimes, tokenDelayMs };
  try {
    const cluster = await n8nScript.startQueueCluster(n8n, { postgres, redis, workers, concurrency, maxLifetimeMs: 20 * 60_000 });
    try {
      result.queue = await measure(sb, cluster.main.url, 'queue', { lifetimes, burst });
    } finally {
      await cluster.stop();
    }
    // the single process: regular mode on its own database of the same server
    const userFolder = n8nScript.createUserFolder();
    const single = await n8nScript.startN8nServer(n8n, await n8nScript.n8nEnv(userFolder, { ...postgres.createDatabase('single_process'), EXECUTIONS_MODE: 'regular' }), { maxLifetimeMs: 20 * 60_000, readyTimeoutMs: 180_000 });
    try {
      result.single = await measure(sb, single.url, 'single', { lifetimes, burst });
    } finally {
      await single.stop();
      fs.rmSync(userFolder, { recursive: true, force: true });
    }
    return result;
  } finally {
    n8nScript.stopAll();
    await services.stopAll();
    await sb.stop();
  }
}

/**
 * The rows for bench/run.js: one per credential, queue mode (ours) next to the single process
 * (baseline). Every credential should need 1 token request per lifetime per process that meets the
 * expired token: n8n's own OAuth2 through its lease (1 in all), a preAuthentication credential
 * through the engine's single flight (1 in the single process, at most one per worker in queue
 * mode). Every call must succeed. The API calls answered 401 per lifetime are shown: n8n runs
 * preAuthentication only after a failed call, so a token the server ended early costs each call
 * that carried it a 401; one that ended by its stored expiry costs one per process (the marker).
 */
function queueRows(r) {
  const fmt = (f) => `${f.median} (max ${f.max})`;
  return Object.keys(r.queue).map((key) => {
    const queue = r.queue[key];
    const single = r.single[key];
    const preAuthentication = PRE_AUTHENTICATION.some((k) => key.startsWith(k));
    const stored = queue.expiry === 'stored';
    const failed = queue.failed + single.failed;
    const queueBound = preAuthentication ? r.workers : 1;
    // a token the server ended early is known only from the 401 of each call that carried it;
    // one that ended by its stored expiry is known before the call: one 401 (the marker) per process
    const rejectedMet = queue.rejected.max <= r.workers && single.rejected.max <= 1;
    const expired = stored ? `tokens of ${STORED_LIFETIME_S} s ended by their stored expiry` : 'all tokens expired at the server';
    return {
      name: `n8n ${r.version} queue mode (main + ${r.workers} workers × concurrency ${r.concurrency}) vs one process: token requests per token lifetime, ${queue.label}${stored ? ', stored expiry' : ''}`,
      ours: fmt(queue),
      baseline: fmt(single),
      ratio: single.median ? `${(queue.median / single.median).toFixed(2)}×` : 'n/a',
      target: `${preAuthentication ? `queue ≤ ${queueBound} (one per worker), single 1` : '1'}, 0 failed; ${stored ? `401s ≤ 1 per process (queue ≤ ${r.workers}, single 1)` : '401s ≤ 1 per process not reachable (a token the server ended early is learnt only from each call\'s 401)'}`,
      met: queue.max <= queueBound && single.max <= 1 && failed === 0 && (!stored || rejectedMet),
      note: `median of ${r.lifetimes} lifetimes, each: ${expired}, ${r.burst} calls at once; token endpoint ${r.tokenDelayMs} ms; failed calls queue ${queue.failed}/${queue.calls}, single ${single.failed}/${single.calls}; refresh-token reuse queue ${queue.refreshTokenReuse}, single ${single.refreshTokenReuse}; API calls answered 401 per lifetime queue ${fmt(queue.rejected)}, single ${fmt(single.rejected)}`,
    };
  });
}

/** bench/run.js's section: measures and adds the rows through its `row` and `notMeasured`. */
async function benchN8nQueueRows(row, notMeasured) {
  const rows = await benchN8nQueue().then(queueRows, (error) => {
    if (!error.unavailable) throw error;
    notMeasured('n8n queue mode (main + 2 workers × concurrency 10) vs one process: token requests per token lifetime per credential', '1 (OAuth2) / one per process (preAuthentication), 0 failed', error.message);
    return [];
  });
  for (const r of rows) row(r.name, r.ours, r.baseline, r.ratio, r.target, r.met, r.note);
}

module.exports = { benchN8nQueue, queueRows, benchN8nQueueRows };

if (require.main === module) {
  benchN8nQueue().then((r) => process.stdout.write(`${JSON.stringify({ ...r, rows: queueRows(r) }, null, 1)}\n`), (error) => {
    process.stderr.write(`${error.stack || error.message}\n`);
    process.exit(1);
  });
}
