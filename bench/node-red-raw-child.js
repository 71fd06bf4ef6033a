'use strict';
// The raw baseline of the Node-RED throughput row, in its own process (forked with IPC by
// node-red-throughput.js): a keep-alive fetch pool with a static Bearer header, the same payloads
// and concurrency as the Node-RED flows, parsing each JSON answer as the nodes do. It gets its
// token once from the sandbox's token endpoint and never prints it.
// argv: sandbox URL. IPC: { type: 'run', n, concurrency, webhookUrl } → { type: 'done', ms, errors }.
// Exits when the parent disconnects or after an hour.
const { TokenManager, deployteqOAuth2Config, installNodeHost } = require('../dist/lib');

installNodeHost();
const { DEFAULT_CLIENTS } = require('../dist/sandbox');
const { pool, timed } = require('./harness');

async function main() {
  const url = process.argv[2];
  const client = DEFAULT_CLIENTS.deployteq[0];
  const manager = new TokenManager({
    config: deployteqOAuth2Config({ clientId: client.clientId, clientSecret: client.clientSecret, grant: 'client_credentials', authBaseUrl: `${url}/deployteq` }),
    grant: { type: 'client_credentials' },
  });
  const token = (await manager.getTokens()).accessToken;
  process.on('message', async (m) => {
    if (!m || m.type !== 'run') return;
    let errors = 0;
    const post = (i) => fetch(m.webhookUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: `user${i}@example.test` }),
    }).then(async (r) => {
      await r.json();
      if (r.status !== 200) errors++;
    }).catch(() => errors++);
    const { ms } = await timed(() => pool(m.n, m.concurrency, post));
    process.send({ type: 'done', ms, errors });
  });
  process.on('disconnect', () => process.exit(0));
  setTimeout(() => process.exit(3), 3600_000).unref();
  process.send({ type: 'ready' });
}

main().catch((error) => {
  process.stderr.write(`raw child failed: ${error.message}\n`);
  process.exit(1);
});
