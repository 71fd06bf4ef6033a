'use strict';
// The flow deployed by `npm start` (scripts/demo.js): one tab, three rows against the provider
// sandbox, each started by an inject node that fires once on deploy and again on its button:
//   Deployteq client credentials → webhook delivery; Zendesk Chat (client credentials) account and
//   a few chats; the generic oauth2-client → GET /generic/api/me. A Catch node shows any error.
// Credentials travel inside the config nodes (POST /flows); Node-RED stores them encrypted in the
// demo's user dir and never returns them through the admin API.

const TAB = 'demo0tab0000001';
const IDS = {
  deployteqConfig: 'demo0dtcfg00001',
  zendeskConfig: 'demo0zdcfg00001',
  genericConfig: 'demo0gncfg00001',
};

function debugNode(id, name, x, y, status) {
  return {
    id, z: TAB, type: 'debug', name, active: true, tosidebar: true, console: false,
    tostatus: Boolean(status), complete: 'payload', targetType: 'msg',
    statusVal: status ? status.value : '', statusType: status ? status.type : 'auto', x, y, wires: [],
  };
}

function injectNode(id, name, x, y, target, delay, payload) {
  const node = {
    id, z: TAB, type: 'inject', name, props: payload ? [{ p: 'payload' }] : [], repeat: '', crontab: '',
    once: true, onceDelay: delay, topic: '', x, y, wires: [[target]],
  };
  if (payload) {
    node.payload = JSON.stringify(payload);
    node.payloadType = 'json';
  }
  return node;
}

function comment(id, name, info, x, y) {
  return { id, z: TAB, type: 'comment', name, info, x, y, wires: [] };
}

/**
 * The demo flow for a running sandbox. `clients` maps provider → { clientId, clientSecret } (the
 * sandbox's default test clients). Returns the node array for POST /flows.
 */
function demoFlows(sandbox, clients) {
  const base = sandbox.url;
  const webhookUrl = `${base}/deployteq/webhook/node-red-demo`;
  return [
    {
      id: TAB, type: 'tab', label: 'OAuth2 connectors demo', disabled: false,
      info: `Everything on this tab talks to the local provider sandbox at ${base} (no account anywhere).\n` +
        'The inject nodes fire once on deploy; click their buttons to run a row again. Results: the debug sidebar (bug icon) and the status under each debug node.',
    },

    // config nodes
    {
      id: IDS.deployteqConfig, type: 'deployteq-oauth2', name: 'Deployteq (sandbox)', clientId: clients.deployteq.clientId,
      grantType: 'client_credentials', authBaseUrl: `${base}/deployteq`, scopes: 'apps.webhook:execute',
      credentials: { clientSecret: clients.deployteq.clientSecret },
    },
    {
      id: IDS.zendeskConfig, type: 'zendesk-chat-oauth2', name: 'Zendesk Chat (sandbox)', host: 'current', subdomain: 'acme',
      baseUrl: `${base}/zendesk`, clientId: clients.zendesk.clientId, grantType: 'client_credentials', scopes: 'read',
      credentials: { clientSecret: clients.zendesk.clientSecret },
    },
    {
      // every setting of the editor's defaults (the editor marks a missing one as invalid)
      id: IDS.genericConfig, type: 'oauth2-client', name: 'Generic OAuth2 (sandbox)', grantType: 'client_credentials',
      authorizationUrl: '', tokenUrl: `${base}/generic/oauth2/token`, refreshUrl: '', clientId: clients.generic.clientId,
      clientAuth: 'basic', signingAlg: '', keyId: '', assertionAudience: '', scopes: 'read', scopeSeparator: '', pkce: true,
      extraAuthorizeParams: '', extraTokenParams: '', extraRefreshParams: '', extraTokenHeaders: '', tokenBodyFormat: 'form',
      scopeOnRefresh: false, timeoutSec: '', maxRetries: '', accessTokenPath: '', refreshTokenPath: '', expiresInPath: '',
      tokenTypePath: '', scopePath: '', extraResponsePaths: '', defaultExpiresIn: '', issuer: '', requireIssuer: false,
      headerName: '', headerPrefix: 'Bearer', validations: '', maxRetryWaitSec: '', refreshSkewSec: '', rejectedStatuses: '',
      credentials: { clientSecret: clients.generic.clientSecret },
    },

    // Deployteq: client credentials → webhook
    comment('demo0cmt0000001', 'Deployteq: client credentials token → webhook delivery',
      `The deployteq-webhook node gets a token (HTTP Basic client auth) and POSTs the record to ${webhookUrl}.\n` +
      `The sandbox records it: ${base}/_sandbox/deliveries`, 250, 40),
    injectNode('demo0inj0000001', 'send a record', 140, 80, 'demo0dtwh000001', 0.5, { firstname: 'Ada', email: 'ada@example.test', source: 'npm start' }),
    { id: 'demo0dtwh000001', z: TAB, type: 'deployteq-webhook', name: 'Deployteq webhook', deployteq: IDS.deployteqConfig, url: webhookUrl, x: 370, y: 80, wires: [['demo0dbg0000001']] },
    debugNode('demo0dbg0000001', 'Deployteq answer', 600, 80, { type: 'jsonata', value: '"HTTP " & statusCode' }),

    // Zendesk Chat: account and chats
    comment('demo0cmt0000002', 'Zendesk Chat: account and 3 chats (one message per chat)',
      'Client credentials against the sandbox\'s Zendesk Chat API (subdomain "acme"). Both nodes share one token and one rate-limit budget.', 250, 140),
    injectNode('demo0inj0000002', 'account', 140, 180, 'demo0zdac000001', 1),
    {
      id: 'demo0zdac000001', z: TAB, type: 'zendesk-chat', name: 'get account', zendesk: IDS.zendeskConfig, resource: 'account', operation: 'get',
      itemId: '', ids: '', query: '', startTime: '', pageSize: 1000, fields: '', limit: 0, outputMode: 'all', x: 370, y: 180, wires: [['demo0dbg0000002']],
    },
    debugNode('demo0dbg0000002', 'Zendesk account', 600, 180, { type: 'auto', value: '' }),
    injectNode('demo0inj0000003', 'chats', 140, 240, 'demo0zdch000001', 1.5),
    {
      id: 'demo0zdch000001', z: TAB, type: 'zendesk-chat', name: 'get 3 chats', zendesk: IDS.zendeskConfig, resource: 'chat', operation: 'getAll',
      itemId: '', ids: '', query: '', startTime: '', pageSize: 1000, fields: '', limit: 3, outputMode: 'item', x: 370, y: 240, wires: [['demo0dbg0000003']],
    },
    debugNode('demo0dbg0000003', 'Zendesk chat', 600, 240, { type: 'counter', value: '' }),

    // Generic OAuth2 client
    comment('demo0cmt0000003', 'Generic oauth2-client → GET /generic/api/me',
      'The oauth2-request node works like the core http request node, with the token of the oauth2-client config node.', 250, 300),
    injectNode('demo0inj0000004', 'call the API', 140, 340, 'demo0gnrq000001', 2),
    {
      id: 'demo0gnrq000001', z: TAB, type: 'oauth2-request', name: 'GET /generic/api/me', client: IDS.genericConfig, method: 'GET',
      url: `${base}/generic/api/me`, ret: 'obj', failOnError: true, x: 370, y: 340, wires: [['demo0dbg0000004']],
    },
    debugNode('demo0dbg0000004', 'API answer', 600, 340, { type: 'auto', value: '' }),

    // credential health of the three config nodes
    comment('demo0cmt0000005', 'Credential health: tokens obtained, refreshed, failures, reconnect needed',
      'The oauth2-health node reports the life of every config node above (no secret in any message); wire it to e-mail or chat in a real flow.', 850, 40),
    { id: 'demo0health0001', z: TAB, type: 'oauth2-health', name: 'credential health', configNode: '', warnDays: 7, events: '', x: 820, y: 80, wires: [['demo0dbg0000006']] },
    debugNode('demo0dbg0000006', 'health event', 1030, 80, { type: 'jsonata', value: 'payload.configNode.name & ": " & topic' }),

    // errors of any node on the tab
    comment('demo0cmt0000004', 'Errors of any node above', 'A Catch node: provider errors arrive here, without secrets or tokens.', 170, 400),
    { id: 'demo0catch00001', z: TAB, type: 'catch', name: 'any error', scope: null, uncaught: false, x: 140, y: 440, wires: [['demo0dbg0000005']] },
    { ...debugNode('demo0dbg0000005', 'error', 350, 440), complete: 'error' },
  ];
}

/** Node types of the demo that come from this package: every node of its manifest. */
const PACKAGE_TYPES = Object.keys(require('../packages/node-red/package.json')['node-red'].nodes);

module.exports = { demoFlows, PACKAGE_TYPES, TAB };
