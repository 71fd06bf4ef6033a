#!/usr/bin/env node
'use strict';
// `npm run start:n8n`: the n8n face of the demo, with the real n8n of the end-to-end tests.
//  1. builds when needed (as `npm start`), installs n8n into the tool cache once (scripts/n8n.js:
//     several minutes the first time, outside the repository);
//  2. starts the provider sandbox on 127.0.0.1;
//  3. prepares a fresh n8n user folder (outside the repo) with this package linked in as a
//     community package, imports sandbox credentials and the demo workflow with the n8n CLI and
//     runs the workflow once (`n8n execute`), so its result is in the sandbox and in n8n;
//  4. starts the n8n editor on 127.0.0.1 and prints the URL to open, the demo workflow's: n8n asks
//     for the sign-in there and then shows the workflow (it sends a signed-out visitor to
//     /signin?redirect=<that path>), not its own start page; and the sandbox's URLs.
// The instance owner is created from the environment (N8N_INSTANCE_OWNER_*) with a password
// generated for this run; it is written to a file (mode 600) whose path is printed, never the
// password itself. Ctrl-C (SIGINT) or SIGTERM stops n8n and the sandbox and exits 0.
// Ports: DEMO_N8N_PORT (default 5678, or a free port when taken), DEMO_SANDBOX_PORT (default 8790, as
// the Node-RED demo, or a free port when taken; 0 = a free port).
// Everything about n8n (install, user folder, environment, CLI runs) comes from scripts/n8n.js.
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');
const n8nScript = require('./n8n');
const { ensureNode24 } = require('./tool-cache');
const { buildIfNeeded, demoTempDir, portFromEnv, portIsFree, redactor, sandboxPortChoice, waitForExit } = require('./demo');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_PORT = 5678;
const OWNER_EMAIL = 'demo@example.test';
const WORKFLOW_ID = 'oauth2DemoFlow01';

const log = (line = '') => process.stdout.write(`${line}\n`);
const warn = (line) => process.stderr.write(`${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const node = (name) => `${n8nScript.PACKAGE_NAME}.${name}`;

/** Credentials of the sandbox's default test clients, as `n8n import:credentials` reads them. */
function demoCredentials(sandbox, clients) {
  return [
    {
      id: 'demoDeployteq001', name: 'Deployteq (sandbox)', type: 'deployteqOAuth2Api',
      data: {
        grantType: 'clientCredentials', authHost: 'custom', customAuthBaseUrl: `${sandbox.url}/deployteq`,
        clientId: clients.deployteq.clientId, clientSecret: clients.deployteq.clientSecret, requestedScopes: ['apps.webhook:execute'],
      },
    },
    {
      id: 'demoZendesk00001', name: 'Zendesk Chat (sandbox)', type: 'zendeskChatOAuth2Api',
      data: {
        grantType: 'clientCredentials', subdomain: 'acme', host: 'current', baseUrl: `${sandbox.url}/zendesk`,
        clientId: clients.zendesk.clientId, clientSecret: clients.zendesk.clientSecret, requestedScopes: ['read'],
      },
    },
    {
      id: 'demoGeneric00001', name: 'Generic OAuth2 (sandbox)', type: 'advancedOAuth2Api',
      data: {
        grantType: 'clientCredentials', tokenUrl: sandbox.endpoints.generic.token, clientId: clients.generic.clientId,
        clientSecret: clients.generic.clientSecret, clientAuthentication: 'body', scope: 'read', headerName: 'Authorization', headerPrefix: 'Bearer',
        // "Test" in the credential dialog opens this with the token
        testUrl: sandbox.endpoints.generic.me,
      },
    },
  ];
}

/** One workflow, three branches from a manual trigger: Deployteq webhook, Zendesk chats, generic /api/me. */
function demoWorkflow(sandbox, credentials) {
  const cred = (type) => {
    const c = credentials.find((x) => x.type === type);
    return { [type]: { id: c.id, name: c.name } };
  };
  const nodes = [
    { id: 'n-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 200], parameters: {} },
    {
      id: 'n-record', name: 'A record', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [240, 0],
      parameters: { mode: 'raw', jsonOutput: JSON.stringify({ firstname: 'Ada', email: 'ada@example.test', source: 'npm run start:n8n' }), options: {} },
    },
    {
      id: 'n-deployteq', name: 'Deployteq webhook', type: node('deployteq'), typeVersion: 1, position: [480, 0], credentials: cred('deployteqOAuth2Api'),
      parameters: { resource: 'webhook', operation: 'trigger', endpointUrl: sandbox.webhookUrl('n8n-demo'), bodySource: 'item', delivery: 'perItem', options: {} },
    },
    {
      id: 'n-chats', name: 'Zendesk Chat: 3 chats', type: node('zendeskChat'), typeVersion: 1, position: [240, 200], credentials: cred('zendeskChatOAuth2Api'),
      parameters: { authentication: 'oAuth2', resource: 'chat', operation: 'getAll', returnAll: false, limit: 3 },
    },
    {
      id: 'n-me', name: 'Generic API: /api/me', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, position: [240, 400], credentials: cred('advancedOAuth2Api'),
      parameters: { url: sandbox.endpoints.generic.me, authentication: 'predefinedCredentialType', nodeCredentialType: 'advancedOAuth2Api', options: {} },
    },
  ];
  const to = (name) => ({ node: name, type: 'main', index: 0 });
  return {
    id: WORKFLOW_ID, name: 'OAuth2 connectors demo', active: false, nodes,
    connections: {
      Start: { main: [[to('A record'), to('Zendesk Chat: 3 chats'), to('Generic API: /api/me')]] },
      'A record': { main: [[to('Deployteq webhook')]] },
    },
    settings: { executionOrder: 'v1' }, pinData: {},
  };
}

async function main() {
  const sandboxPort = await sandboxPortChoice(log);
  const requestedPort = portFromEnv('DEMO_N8N_PORT', undefined);
  buildIfNeeded();

  const { startSandbox, DEFAULT_CLIENTS } = require(path.join(ROOT, 'dist', 'sandbox'));
  const clientOf = (provider) => {
    const client = DEFAULT_CLIENTS[provider].find((c) => c.clientSecret);
    return { clientId: client.clientId, clientSecret: client.clientSecret };
  };
  const clients = { deployteq: clientOf('deployteq'), zendesk: clientOf('zendesk'), generic: clientOf('generic') };
  const ownerPassword = `Demo-${crypto.randomBytes(12).toString('base64url')}`;
  const encryptionKey = crypto.randomBytes(24).toString('hex');
  const redact = redactor([...Object.values(clients).map((c) => c.clientSecret), ownerPassword, encryptionKey]);

  let sandbox;
  let n8nProcess;
  let work;
  let stopping = null;
  const killGroup = (signal) => {
    try {
      process.kill(-n8nProcess.pid, signal);
    } catch {
      // already gone
    }
  };
  const stop = (why, code = 0) => {
    if (stopping) return stopping;
    if (why) log(`\n${why}: stopping n8n and the sandbox…`);
    stopping = (async () => {
      n8nScript.stopAll();
      if (n8nProcess && n8nProcess.exitCode === null && n8nProcess.signalCode === null) {
        killGroup('SIGTERM');
        if (!(await waitForExit(n8nProcess, 15_000))) {
          killGroup('SIGKILL');
          await waitForExit(n8nProcess, 3000);
        }
      }
      if (sandbox) await sandbox.close();
      if (work) fs.rmSync(work, { recursive: true, force: true });
      if (why) log('Stopped.');
      process.exit(code);
    })();
    return stopping;
  };
  let firstSignalAt = 0;
  const onSignal = (signal) => {
    if (firstSignalAt === 0) firstSignalAt = Date.now();
    else if (Date.now() - firstSignalAt > 1500) {
      n8nScript.stopAll();
      if (n8nProcess) killGroup('SIGKILL');
      process.exit(0);
    }
    void stop(signal === 'SIGINT' ? 'Ctrl-C' : signal);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    log(`Preparing n8n ${n8nScript.N8N_VERSION} (installed once into the tool cache; the first time takes several minutes)…`);
    const n8n = n8nScript.ensureN8n();
    sandbox = await startSandbox({ port: sandboxPort });

    let port = requestedPort ?? DEFAULT_PORT;
    if (requestedPort === undefined && !(await portIsFree(DEFAULT_PORT))) {
      log(`Port ${DEFAULT_PORT} is in use: n8n gets a free port instead (set DEMO_N8N_PORT to choose one).`);
      port = 0;
    }
    if (port === 0) port = await n8nScript.freePort();

    work = demoTempDir('oauth2-connectors-n8n-demo-');
    const userFolder = n8nScript.createUserFolder(path.join(work, 'user'));
    const loginFile = path.join(work, 'n8n-login.txt');
    fs.writeFileSync(loginFile, `n8n demo owner (this run only)\nemail:    ${OWNER_EMAIL}\npassword: ${ownerPassword}\n`, { mode: 0o600 });
    const bcrypt = createRequire(path.join(n8n.dir, 'node_modules', 'n8n', 'package.json'))('bcryptjs');
    const env = await n8nScript.n8nEnv(userFolder, {
      N8N_PORT: String(port),
      N8N_ENCRYPTION_KEY: encryptionKey,
      N8N_LOG_LEVEL: 'warn',
      // a system task of this module fetches a list from api.n8n.io: the demo stays local
      N8N_DISABLED_MODULES: 'mcp-registry',
      N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
      N8N_INSTANCE_OWNER_EMAIL: OWNER_EMAIL,
      N8N_INSTANCE_OWNER_FIRST_NAME: 'Demo',
      N8N_INSTANCE_OWNER_LAST_NAME: 'Owner',
      N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(ownerPassword, 10),
    });

    const cli = async (args, what) => {
      const result = await n8nScript.runN8n(n8n, args, env, { timeoutMs: 240_000 });
      if (result.code !== 0) throw new Error(`n8n ${what} failed (exit ${result.code ?? result.signal}): ${redact(`${result.stderr}\n${result.stdout}`.slice(-2000))}`);
      return result;
    };
    const writeJson = (name, value) => {
      const file = path.join(work, name);
      fs.writeFileSync(file, JSON.stringify(value, null, 2), { mode: 0o600 });
      return file;
    };

    log('Importing the sandbox credentials and the demo workflow…');
    const credentials = demoCredentials(sandbox, clients);
    const credentialsFile = writeJson('credentials.json', credentials);
    try {
      await cli(['import:credentials', `--input=${credentialsFile}`], 'import:credentials');
    } finally {
      fs.rmSync(credentialsFile, { force: true });
    }
    const workflowFile = writeJson('workflow.json', demoWorkflow(sandbox, credentials));
    await cli(['import:workflow', `--input=${workflowFile}`], 'import:workflow');

    log('Running the demo workflow once (n8n execute)…');
    // the CLI prints the execution result through its logger at level info
    const run = await n8nScript.runN8n(n8n, ['execute', `--id=${WORKFLOW_ID}`, '--rawOutput'], { ...env, N8N_LOG_LEVEL: 'info' }, { timeoutMs: 240_000 });
    const result = n8nScript.parseExecuteOutput(run.stdout);
    const runData = result && result.data && result.data.resultData ? result.data.resultData.runData || {} : {};
    const itemsOf = (name) => {
      const runs = runData[name];
      return runs && runs[0] && !runs[0].error && runs[0].data && runs[0].data.main && runs[0].data.main[0] ? runs[0].data.main[0].length : 0;
    };
    const runOk = Boolean(result) && !result.data.resultData.error && (result.status === undefined || result.status === 'success');
    if (!runOk) warn(`The demo workflow did not run cleanly: ${redact(JSON.stringify((result && result.data.resultData.error) || `${run.stderr}\n${run.stdout}`.slice(-1500)))}`);

    log('Starting the n8n editor…');
    const { nodeBin } = ensureNode24();
    n8nProcess = spawn(nodeBin, [n8n.bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    // n8n's own output (deprecation notices, the optional Python runner, …) is kept, redacted, for
    // when it fails: a newcomer does not need it otherwise
    let n8nOutput = '';
    const keep = (chunk) => {
      n8nOutput = redact(n8nOutput + chunk.toString('utf8')).slice(-6000);
    };
    n8nProcess.stdout.on('data', keep);
    n8nProcess.stderr.on('data', keep);
    n8nProcess.on('exit', (code, signal) => {
      if (!stopping) {
        warn(`n8n stopped unexpectedly (${signal || code}). Its last output:\n${n8nOutput}`);
        void stop('n8n stopped', 1);
      }
    });
    const editorUrl = `http://127.0.0.1:${port}/`;
    const deadline = Date.now() + 180_000;
    for (;;) {
      const ok = await fetch(`${editorUrl}healthz/readiness`).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`n8n did not answer within 180 s. Its last output:\n${n8nOutput}`);
      await sleep(500);
    }

    // the URL to open: n8n signs a visitor in and then goes on to the demo workflow
    const workflowUrl = `${editorUrl}workflow/${WORKFLOW_ID}`;
    const c = sandbox.counters;
    log('');
    log(`OAuth2 connectors demo: n8n ${n8nScript.N8N_VERSION} with ${n8nScript.PACKAGE_NAME} (community package) and the provider sandbox.`);
    log('');
    log(`  Open              ${workflowUrl}   (the demo workflow, after the sign-in)`);
    log(`  Sign in as        ${OWNER_EMAIL}; the password generated for this run is in ${loginFile}`);
    log(`  n8n editor        ${editorUrl}`);
    log(`  Provider sandbox  ${sandbox.url}/   (index page of every endpoint)`);
    log(`  Sandbox counters  ${sandbox.url}/_sandbox/counters`);
    log(`  Webhook records   ${sandbox.url}/_sandbox/deliveries`);
    log('  Test clients      client IDs, secrets and users for credentials made by hand: sandbox/README.md');
    log('');
    log(`The demo workflow ran once (n8n execute): ${runOk ? 'success' : 'FAILED (see above)'}`);
    log(`  Deployteq webhook: ${itemsOf('Deployteq webhook')} item(s) out, sandbox deliveries ${c.deliveries}`);
    log(`  Zendesk Chat:      ${itemsOf('Zendesk Chat: 3 chats')} chat(s), sandbox API requests ${c.apiRequestsByProvider.zendesk}`);
    log(`  Generic /api/me:   ${itemsOf('Generic API: /api/me')} item(s), sandbox API requests ${c.apiRequestsByProvider.generic}`);
    log('');
    log('What to look at:');
    log('  1. Open the URL above and sign in: n8n shows the demo workflow. Click "Execute workflow": each node shows its items');
    log('     (the webhook answer, 3 chats, the /api/me answer).');
    log('  2. Credentials (Overview → Credentials): the three sandbox credentials; secrets stay hidden.');
    log('  3. The sandbox counters and webhook records (URLs above) change with every execution.');
    log('');
    log(`Demo ready: ${workflowUrl} (Ctrl-C to stop)`);
  } catch (error) {
    warn(`The n8n demo could not start: ${redact(error instanceof Error ? error.message : String(error))}`);
    await stop(null, 1);
  }
}

main();
