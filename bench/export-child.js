'use strict';
// One Zendesk Chat incremental export, measured in its own process so peak RSS is the client's.
// argv: mode ('ours' | 'raw'), sandbox URL, page size, optional limiter "limit/windowMs".
// Prints { ms, chats, pages, maxRssMiB }.
const { TokenManager, ZendeskChatApi, SlidingWindowLimiter, zendeskChatOAuth2Config, installNodeHost } = require('../dist/lib');

installNodeHost();

async function main() {
  const [mode, url, pageSizeArg, limiterArg] = process.argv.slice(2);
  const pageSize = Number(pageSizeArg);
  const { apiBaseUrl, ...config } = zendeskChatOAuth2Config({
    clientId: 'zd-client', clientSecret: 'zd-secret', subdomain: 'acme', baseUrl: `${url}/zendesk`,
  });
  const manager = new TokenManager({ config, grant: { type: 'client_credentials' } });
  await manager.getTokens();
  let chats = 0;
  let pages = 0;
  const start = process.hrtime.bigint();
  if (mode === 'ours') {
    const [limit, windowMs] = (limiterArg || '').split('/').map(Number);
    const limiter = limit ? new SlidingWindowLimiter(limit, windowMs) : undefined;
    const api = new ZendeskChatApi(manager, apiBaseUrl, { limiter });
    for await (const page of api.incrementalPages({ startTime: 0, limit: pageSize })) {
      chats += page.chats.length;
      pages++;
    }
  } else {
    // Baseline: a plain keep-alive fetch loop with a static Bearer header, same pages.
    const token = (await manager.getTokens()).accessToken;
    let next = `${apiBaseUrl}/incremental/chats?start_time=0&limit=${pageSize}`;
    for (;;) {
      const response = await fetch(next, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
      if (response.status !== 200) throw new Error(`raw loop: HTTP ${response.status}`);
      const body = await response.json();
      chats += body.chats.length;
      pages++;
      if (body.count < pageSize) break;
      next = `${apiBaseUrl}/incremental/chats?start_time=${body.end_time}&start_id=${body.end_id}&limit=${pageSize}`;
    }
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ms, chats, pages, maxRssMiB })}\n`);
}

main().catch((error) => {
  process.stderr.write(`export child failed: ${error.message}\n`);
  process.exit(1);
});
