'use strict';
// The n8n row: our Deployteq node (webhook trigger, one request per item, its default concurrency)
// vs n8n's HTTP Request node (POST JSON per item, authentication: predefined credential type =
// our deployteqOAuth2Api credential, its defaults), both with one client-credentials credential
// against the sandbox, over the same items made by a Code node.
//
// A real n8n (scripts/n8n.js: cached install, Node 24, throw-away user folder; used read-only)
// runs each workflow with `n8n execute --id … --rawOutput`. What is timed: the whole CLI process,
// n8n's start-up (database, node loading, task runner) included. The execution's own numbers from
// the printed result are kept too: the node's executionTime (runData) and stoppedAt − startedAt.
// Rounds are interleaved (the order alternating); every run's deliveries are checked at the sandbox.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Redactor, installNodeHost } = require('../dist/lib');

installNodeHost();
const { DEFAULT_CLIENTS } = require('../dist/sandbox');
const { startSandboxChild, timed, verifyDeliveries } = require('./harness');
const n8nScript = require('../scripts/n8n');

const CREDENTIAL = { id: 'benchDtCredent01', name: 'Deployteq CC (bench sandbox)' };
const NODE = { ours: 'Deployteq', http: 'HTTP Request' };

function workflow(mode, items, webhookUrl) {
  const id = `bench${mode}Flow000000`.slice(0, 16);
  const credentials = { deployteqOAuth2Api: CREDENTIAL };
  const worker = mode === 'ours'
    ? {
      name: NODE.ours, type: `${n8nScript.PACKAGE_NAME}.deployteq`, typeVersion: 1, credentials,
      parameters: { resource: 'webhook', operation: 'trigger', endpointUrl: webhookUrl, bodySource: 'item', delivery: 'perItem', options: {} },
    }
    : {
      name: NODE.http, type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, credentials,
      parameters: {
        method: 'POST', url: webhookUrl, authentication: 'predefinedCredentialType', nodeCredentialType: 'deployteqOAuth2Api',
        sendBody: true, specifyBody: 'json', jsonBody: '={{ $json }}', options: {},
      },
    };
  const nodes = [
    { id: 'n-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
    {
      id: 'n-items', name: 'Items', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0],
      parameters: { mode: 'runOnceForAllItems', jsCode: `return Array.from({ length: ${items} }, (_, i) => ({ json: { email: 'user' + i + '@example.test' } }));` },
    },
    { id: 'n-worker', position: [400, 0], ...worker },
  ];
  const connections = {
    Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
    Items: { main: [[{ node: worker.name, type: 'main', index: 0 }]] },
  };
  return { id, name: `bench ${mode}`, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

/**
 * Returns { version, items, rounds, wallMs: { ours, http }, nodeMs: { ours, http },
 * executionMs: { ours, http } (one per round), tokenRequests: { warmup: [{ mode, n }], rounds } }.
 * Throws an error with `unavailable: true` when n8n cannot be installed.
 */
async function benchN8n({ items, rounds, warmup }) {
  let n8n;
  try {
    n8n = n8nScript.ensureN8n();
  } catch (error) {
    throw Object.assign(new Error(`n8n ${n8nScript.N8N_VERSION} is not available: ${error.message}`), { unavailable: true });
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-n8n-'));
  const client = DEFAULT_CLIENTS.deployteq[0];
  const redactor = new Redactor();
  redactor.add(client.clientSecret);
  // bounded, but long enough for every run at full size on a slow machine
  const sb = await startSandboxChild({ maxLifetimeMs: 2 * 3600_000 });
  try {
    const userFolder = n8nScript.createUserFolder(path.join(work, 'user'));
    // info: n8n prints why an execution failed only at this level (the JSON result still comes last)
    const env = await n8nScript.n8nEnv(userFolder, { N8N_LOG_LEVEL: 'info' });
    const cli = async (args, what) => {
      const result = await n8nScript.runN8n(n8n, args, env, { timeoutMs: 15 * 60_000 });
      if (result.code !== 0) throw new Error(`n8n ${what} failed (exit ${result.code ?? result.signal}): ${redactor.redact((result.stderr + result.stdout).slice(-1500))}`);
      return result;
    };
    const file = (name, value) => {
      const target = path.join(work, name);
      fs.writeFileSync(target, JSON.stringify(value), { mode: 0o600 });
      return target;
    };
    // (re)imports the credential without a token: the next run starts from a cold credential
    const importCredential = async () => {
      const credentialFile = file('credentials.json', [{
        ...CREDENTIAL, type: 'deployteqOAuth2Api',
        data: { grantType: 'clientCredentials', authHost: 'custom', customAuthBaseUrl: `${sb.url}/deployteq`, clientId: client.clientId, clientSecret: client.clientSecret, scopes: ['apps.webhook:execute'] },
      }]);
      try {
        await cli(['import:credentials', `--input=${credentialFile}`], 'import:credentials');
      } finally {
        fs.rmSync(credentialFile, { force: true });
      }
    };
    await importCredential();
    const execute = async (mode, flow, webhookId) => {
      const before = await sb.admin('counters');
      const run = await timed(() => cli(['execute', `--id=${flow.id}`, '--rawOutput'], `execute ${mode}`));
      const parsed = n8nScript.parseExecuteOutput(run.value.stdout);
      const error = parsed?.data?.resultData?.error;
      if (!parsed || error || (parsed.status !== undefined && parsed.status !== 'success')) {
        const tail = process.env.BENCH_N8N_DEBUG ? `\n${redactor.redact((run.value.stderr + run.value.stdout).slice(-3000))}` : '';
        throw new Error(`n8n ${mode}: execution not successful (${parsed ? parsed.status : 'no result printed'}): ${redactor.redact(String(error?.message ?? ''))}${tail}`);
      }
      const nodeRun = parsed.data.resultData.runData[NODE[mode]]?.[0];
      const out = nodeRun?.data?.main?.[0] ?? [];
      if (out.length !== items) throw new Error(`n8n ${mode}: ${out.length} output items for ${items}`);
      const after = await sb.admin('counters');
      if (after.deliveries - before.deliveries !== items) throw new Error(`n8n ${mode}: the sandbox counted ${after.deliveries - before.deliveries} deliveries for ${items}`);
      await verifyDeliveries(sb, webhookId, items);
      return {
        wallMs: run.ms,
        nodeMs: nodeRun.executionTime,
        executionMs: Date.parse(parsed.stoppedAt) - Date.parse(parsed.startedAt),
        tokenRequests: after.tokenRequests - before.tokenRequests,
      };
    };
    // every record exactly once per run: each run posts to its own webhook id, so the workflow is
    // imported again (untimed) before each run; the sandbox is never reset (that would revoke the
    // token n8n saved)
    let runIndex = 0;
    const once = async (mode) => {
      const webhookId = `n8n-${mode}-${runIndex++}`;
      const flow = workflow(mode, items, `${sb.url}/deployteq/webhook/${webhookId}`);
      await cli(['import:workflow', `--input=${file(`${mode}.json`, flow)}`], `import:workflow ${mode}`);
      return execute(mode, flow, webhookId);
    };
    const result = { version: n8n.version, items, rounds, wallMs: { ours: [], http: [] }, nodeMs: { ours: [], http: [] }, executionMs: { ours: [], http: [] }, tokenRequests: { warmup: [], rounds: 0 } };
    // warm-up, one untimed run each from a cold credential (its token requests are reported);
    // the last one leaves the token saved in the credential for the timed rounds
    if (warmup) {
      for (const mode of ['http', 'ours']) {
        await importCredential();
        result.tokenRequests.warmup.push({ mode, n: (await once(mode)).tokenRequests });
      }
    }
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 ? ['http', 'ours'] : ['ours', 'http']) {
        const r = await once(mode);
        result.wallMs[mode].push(r.wallMs);
        result.nodeMs[mode].push(r.nodeMs);
        result.executionMs[mode].push(r.executionMs);
        result.tokenRequests.rounds += r.tokenRequests;
      }
    }
    return result;
  } finally {
    n8nScript.stopAll();
    await sb.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { benchN8n };
