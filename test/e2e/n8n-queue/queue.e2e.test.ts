// This package in n8n's queue mode (2.41.1 under Node 24): `n8n start` (main) and two
// `n8n worker --concurrency=10` on one Postgres and one Redis — Debian's packages, installed with
// apt-get when missing (scripts/services-ensure.sh) and started by this file on 127.0.0.1 with their
// data in temp folders (scripts/services.js), stopped after. Executions really go through the queue:
// each scenario's workflow starts from a production webhook on main, which enqueues it; the workers'
// own logs tell which one ran each execution. A recording proxy in front of the provider sandbox
// tells which worker sent each token or API request. The sandbox's counters are the ground truth.
import fs from 'node:fs';
import path from 'node:path';

import { DEFAULT_CLIENTS, DEFAULT_USERS, startSandbox, type Sandbox } from '../../../sandbox';
import {
  callWebhook, executionError, executionsByWorker, n8nScript, N8nRest, nodeItems, pool, RecordingProxy, services, tally, webhookWorkflow,
  type N8nProcess, type ProxyEvent, type Service,
} from './support';
import { sandboxCodeTokens } from '../n8n/rest';

jest.setTimeout(12 * 60_000);

const dt = DEFAULT_CLIENTS.deployteq[0];
const zd = DEFAULT_CLIENTS.zendesk[0];
const gen = DEFAULT_CLIENTS.generic.find((c) => !c.public)!;
const OWNER = { email: 'owner@example.test', firstName: 'Queue', lastName: 'Owner', password: 'Owner-pass-2041' };
const CONCURRENCY = 10;
const node = (name: string) => `${n8nScript.PACKAGE_NAME}.${name}`;

describe(`n8n queue mode: main + 2 workers on Postgres and Redis (package ${n8nScript.PACKAGE_NAME})`, () => {
  let sandbox: Sandbox;
  let proxy: RecordingProxy;
  let postgres: Service;
  let redis: Service;
  let cluster: { main: N8nProcess; workers: N8nProcess[]; stop(): Promise<void> } | undefined;
  let rest: N8nRest;
  const webhookAnswers: string[] = [];
  const timings: Record<string, number> = {};
  const figures: Record<string, unknown> = {};
  const started = Date.now();

  const workers = () => cluster!.workers.map((w, i) => ({ label: `worker${i + 1}`, output: () => w.output() }));
  const grants = (provider: 'deployteq' | 'zendesk' | 'generic') => ({ ...sandbox.counters.tokenRequestsByProviderGrant[provider] });
  const diff = (after: Record<string, number>, before: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.keys({ ...after, ...before }).map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]).filter(([, n]) => n !== 0));
  const call = async (path: string, body: unknown) => {
    const answer = await callWebhook(cluster!.main.url, path, body);
    webhookAnswers.push(answer.text);
    // nothing was enqueued: fail now rather than wait for executions that do not exist
    if (answer.status === 404) throw new Error(`webhook ${path}: ${answer.text.slice(0, 300)}`);
    return answer;
  };

  /** Which worker ran each of these executions; fails unless every one was run by exactly one worker. */
  function ranBy(executionIds: string[]): Record<string, number> {
    const byWorker = executionsByWorker(workers());
    const labels = executionIds.map((id) => byWorker.get(id) ?? 'none');
    expect(labels.filter((l) => l !== 'worker1' && l !== 'worker2')).toEqual([]);
    return tally(labels);
  }

  /** Messages of the failed executions among these (for the assertion message). */
  async function failures(ids: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const id of ids) {
      const message = executionError(await rest.executionData(id));
      if (message) out.push(`#${id}: ${message}`);
    }
    return out;
  }

  beforeAll(async () => {
    // seeded chats lie before "now - 2 h", so a trigger starting 10 minutes ago sees only added chats
    sandbox = await startSandbox({ port: 0, maxLifetimeMs: 11 * 60_000, consent: 'auto-approve', now: Date.now() - 2 * 3600_000, rateLimit: false });
    proxy = new RecordingProxy(sandbox.port);
    await proxy.start();
    const n8n = n8nScript.ensureN8n();
    timings.n8nInstalledMs = Date.now() - started;
    [postgres, redis] = await Promise.all([services.startPostgres({ maxLifetimeMs: 11 * 60_000 }), services.startRedis({ maxLifetimeMs: 11 * 60_000 })]);
    timings.servicesReadyMs = Date.now() - started;
    cluster = await n8nScript.startQueueCluster(n8n, {
      postgres, redis, workers: 2, concurrency: CONCURRENCY, maxLifetimeMs: 11 * 60_000,
      // info: a worker logs "Worker started execution <id>" only from this level on
      extraEnv: { N8N_LOG_LEVEL: 'info' },
    });
    timings.clusterReadyMs = Date.now() - started;
    cluster.workers.forEach((w, i) => proxy.watch(w.pid, `worker${i + 1}`));
    proxy.watch(cluster.main.pid, 'main');
    rest = new N8nRest(cluster.main.url);
    await rest.signIn(OWNER);
  });

  afterAll(async () => {
    // N8N_QUEUE_DEBUG=<folder>: n8n's output of each process (the leak check above covers it)
    if (process.env.N8N_QUEUE_DEBUG && cluster) {
      fs.writeFileSync(path.join(process.env.N8N_QUEUE_DEBUG, 'n8n-queue-main.log'), cluster.main.output());
      cluster.workers.forEach((w, i) => fs.writeFileSync(path.join(process.env.N8N_QUEUE_DEBUG!, `n8n-queue-worker${i + 1}.log`), w.output()));
    }
    await cluster?.stop();
    n8nScript.stopAll();
    await services.stopAll();
    await proxy?.close();
    await sandbox?.close();
    timings.totalMs = Date.now() - started;
    // N8N_QUEUE_DEBUG=<folder>: every request the proxy saw (who, path, status, token fingerprints; no tokens)
    if (process.env.N8N_QUEUE_DEBUG && proxy) fs.writeFileSync(path.join(process.env.N8N_QUEUE_DEBUG, 'n8n-queue-events.json'), JSON.stringify(proxy.events.map((e) => ({ ...e, t: e.receivedAt - started })), null, 1));
    process.stdout.write(`n8n-queue timings: ${JSON.stringify(timings)}\nn8n-queue figures: ${JSON.stringify(figures, null, 1)}\n`);
  });

  function deployteqNode(credentialType: string, credential: { id: string; name: string }, hookId: string): Record<string, unknown> {
    return {
      name: 'Deployteq', type: node('deployteq'), typeVersion: 1,
      credentials: { [credentialType]: credential },
      parameters: {
        authentication: credentialType === 'deployteqOAuth2Api' ? 'deployteqOAuth2' : 'advancedOAuth2', resource: 'webhook', operation: 'trigger',
        endpointUrl: `${proxy.url}/deployteq/webhook/${hookId}`, bodySource: 'raw', jsonBody: '={{ JSON.stringify($json.body) }}', delivery: 'perItem', options: {},
      },
    };
  }

  /** Deliveries the sandbox recorded for one webhook id: each `seq` and how often it arrived. */
  function deliveredSeqs(hookId: string): Map<number, number> {
    const seen = new Map<number, number>();
    for (const d of sandbox.deliveries) {
      if (d.webhookId !== hookId) continue;
      const seq = Number((d.body as { seq?: unknown }).seq);
      seen.set(seq, (seen.get(seq) ?? 0) + 1);
    }
    return seen;
  }

  // ---- Zendesk Chat Trigger, part 1: activated first, so its minute-long wait overlaps the rest ----
  let trigger: { workflowId: string; chats: string[]; activatedAt: number } | undefined;

  it('Zendesk Chat Trigger active in queue mode: main polls on activation, a worker runs the execution, the added chats are emitted', async () => {
    const credential = await rest.createCredential('zendesk cc (trigger)', 'zendeskChatOAuth2Api', {
      grantType: 'clientCredentials', subdomain: 'acme', host: 'current', baseUrl: `${sandbox.url}/zendesk`, clientId: zd.clientId, clientSecret: zd.clientSecret, scopes: ['read'],
    });
    const first = [sandbox.addChat(), sandbox.addChat()];
    const workflowId = await rest.activeWorkflow({
      name: 'queue trigger', active: false, settings: { executionOrder: 'v1' }, connections: {},
      nodes: [{
        id: 'trigger-1', name: 'New chats', type: node('zendeskChatTrigger'), typeVersion: 1, position: [0, 0],
        parameters: { authentication: 'oAuth2', pollTimes: { item: [{ mode: 'everyMinute' }] }, startFrom: 'date', startDate: new Date(Date.now() - 10 * 60_000).toISOString() },
        credentials: { zendeskChatOAuth2Api: credential },
      }],
    });
    trigger = { workflowId, chats: first.map((c) => c.id), activatedAt: Date.now() };
    const [execution] = await rest.finishedExecutions(workflowId, 1, 60_000);
    expect(execution.status).toBe('success');
    expect(nodeItems(await rest.executionData(execution.id), 'New chats').map((c) => c.id)).toEqual(first.map((c) => c.id));
    // added now: only a scheduled poll (within a minute) can emit it; checked in part 2 at the end
    trigger.chats.push(sandbox.addChat().id);
    timings.triggerActivationPollMs = Date.now() - started;
  });

  it('Deployteq node, client credentials: 20 executions over both workers while the token expires mid-run: 0 failed, each item delivered once', async () => {
    const t0 = Date.now();
    const credential = await rest.createCredential('deployteq cc', 'deployteqOAuth2Api', {
      grantType: 'clientCredentials', authHost: 'custom', customAuthBaseUrl: `${proxy.url}/deployteq`, clientId: dt.clientId, clientSecret: dt.clientSecret, scopes: ['apps.webhook:execute'],
    });
    const workflowId = await rest.activeWorkflow(webhookWorkflow('queue deployteq cc', 'queue-dt-cc', [deployteqNode('deployteqOAuth2Api', credential, 'queue-cc')]), 'queue-dt-cc');
    const cc = () => grants('deployteq').client_credentials ?? 0;
    const events = proxy.events.length;
    // token requests at the start, at each expiry and at the end: the lifetimes lie between them
    const marks = [cc()];
    let answered = 0;
    const answers = await pool(20, CONCURRENCY, async (seq) => {
      const answer = await call('queue-dt-cc', { run: 'cc', seq });
      answered++;
      if (answered === 10) {
        marks.push(cc());
        sandbox.expireAccessTokens('deployteq'); // while the other executions are in flight
      }
      return answer;
    });
    marks.push(cc());
    const executions = await rest.finishedExecutions(workflowId, 20);
    const failed = executions.filter((e) => e.status !== 'success');
    expect({ failed: await failures(failed.map((e) => e.id)), statuses: answers.map((a) => a.status).filter((s) => s !== 200) }).toEqual({ failed: [], statuses: [] });
    expect(executions).toHaveLength(20);
    const spread = ranBy(executions.map((e) => e.id));
    expect(Object.keys(spread).sort()).toEqual(['worker1', 'worker2']);
    const seqs = deliveredSeqs('queue-cc');
    expect([...seqs.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect([...seqs.values()].every((n) => n === 1)).toBe(true);
    const perLifetime = marks.slice(1).map((m, i) => m - marks[i]);
    const tokenEvents = proxy.since(events, (e) => e.grantType === 'client_credentials');
    figures.deployteqClientCredentials = {
      executions: 20, failed: failed.length, ranBy: spread, delivered: seqs.size,
      tokenRequestsPerLifetime: perLifetime, tokenRequestsByWorker: tally(tokenEvents.map((e) => e.who)),
      rejectedAfterExpiry: tally(proxy.since(events, (e) => e.path.startsWith('/deployteq/webhook/') && e.status === 401).map((e) => e.who)),
    };
    // after an expiry n8n refreshes under its lease (in-process single flight + Redis lease across
    // workers, re-reading the stored token first): one token request per lifetime. The first
    // lifetime starts from a credential without a token, which n8n fetches with no coordination.
    expect(perLifetime.slice(1)).toEqual([1]);
    expect(perLifetime[0]).toBeGreaterThanOrEqual(1);
    expect(perLifetime[0]).toBeLessThanOrEqual(CONCURRENCY);
    timings.deployteqClientCredentialsMs = Date.now() - t0;
  });

  /** The tokens of a sign-in at the sandbox, added to the leak check. */
  async function deployteqCodeTokens(): Promise<Record<string, unknown>> {
    const tokens = await sandboxCodeTokens(sandbox, 'deployteq', 'apps.webhook:execute offline_access');
    for (const key of ['access_token', 'refresh_token']) if (typeof tokens[key] === 'string') proxy.issuedTokens.add(tokens[key]);
    return tokens;
  }

  /** Whether each worker got a 401 from the API before `before` (ms): both needed a new token then. */
  function rejectedBefore(events: ProxyEvent[], apiPrefix: string, before: number): Record<string, number> {
    return tally(events.filter((e) => e.path.startsWith(apiPrefix) && e.status === 401 && e.answeredAt <= before).map((e) => e.who));
  }

  it('Deployteq authorization code, rotating refresh tokens (reuse rejected): both workers need a refresh at once; n8n\'s lease lets one refresh, 0 reconnects', async () => {
    const t0 = Date.now();
    const tokens = await deployteqCodeTokens();
    const credential = await rest.createCredential('deployteq code', 'deployteqOAuth2Api', {
      grantType: 'authorizationCode', authHost: 'custom', customAuthBaseUrl: `${proxy.url}/deployteq`, clientId: dt.clientId, clientSecret: dt.clientSecret,
      scopes: ['apps.webhook:execute', 'offline_access'], oauthTokenData: tokens,
    });
    const workflowId = await rest.activeWorkflow(webhookWorkflow('queue deployteq code', 'queue-dt-code', [deployteqNode('deployteqOAuth2Api', credential, 'queue-code')]), 'queue-dt-code');
    // a slow token endpoint (1.5 s): every execution meets the expired token while the one refresh runs
    sandbox.configure({ tokenDelayMs: { deployteq: 1500 } });
    const rounds: Array<Record<string, unknown>> = [];
    let seq = 0;
    try {
      for (let round = 1; round <= 2; round++) {
        const before = { grants: grants('deployteq'), reuse: sandbox.counters.refreshTokenReuse, events: proxy.events.length, executions: (await rest.executions(workflowId)).length };
        sandbox.expireAccessTokens('deployteq');
        const answers = await Promise.all(Array.from({ length: 10 }, () => call('queue-dt-code', { run: 'code', seq: seq++ })));
        const executions = (await rest.finishedExecutions(workflowId, before.executions + 10)).slice(before.executions);
        const failedIds = executions.filter((e) => e.status !== 'success').map((e) => e.id);
        const events = proxy.since(before.events);
        const refreshes = events.filter((e) => e.grantType === 'refresh_token');
        const lastRefresh = Math.max(...refreshes.map((e) => e.answeredAt));
        rounds.push({
          round, executions: executions.length, failed: failedIds.length, failures: await failures(failedIds), httpErrors: answers.filter((a) => a.status !== 200).length,
          ranBy: ranBy(executions.map((e) => e.id)),
          tokenRequests: diff(grants('deployteq'), before.grants), refreshedBy: refreshes.map((e) => e.who),
          refreshTokenReuse: sandbox.counters.refreshTokenReuse - before.reuse,
          rejectedBeforeTheRefreshEnded: rejectedBefore(events, '/deployteq/webhook/', lastRefresh),
        });
      }
    } finally {
      sandbox.configure({ tokenDelayMs: 0 });
    }
    figures.deployteqAuthorizationCode = rounds;
    for (const r of rounds) {
      expect(r).toMatchObject({ executions: 10, failed: 0, failures: [], httpErrors: 0, tokenRequests: { refresh_token: 1 }, refreshTokenReuse: 0 });
      // both workers held the expired token and got a 401 while the single refresh was running
      expect(Object.keys(r.rejectedBeforeTheRefreshEnded as object).sort()).toEqual(['worker1', 'worker2']);
    }
    const seqs = deliveredSeqs('queue-code');
    expect(seqs.size).toBe(20);
    expect([...seqs.values()].every((n) => n === 1)).toBe(true);
    // the control: the sandbox does reject reuse. The refresh token of the sign-in was rotated in
    // round 1; sending it again is refused and counted (it also revokes the grant: this ends the scenario)
    const reuse = sandbox.counters.refreshTokenReuse;
    const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
    const replay = await fetch(sandbox.endpoints.deployteq.token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${enc(dt.clientId)}:${enc(dt.clientSecret!)}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) }).toString(),
    });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: string }).error).toBe('invalid_grant');
    expect(sandbox.counters.refreshTokenReuse - reuse).toBe(1);
    timings.deployteqAuthorizationCodeMs = Date.now() - t0;
  });

  it('preAuthentication credentials (Zendesk Chat password, Advanced OAuth2 password grant) on both workers at once: 0 failed; no refresh token is ever sent (nothing to burn), one grant per request that met the expired token', async () => {
    const t0 = Date.now();
    const zendesk = await rest.createCredential('zendesk password', 'zendeskChatPasswordOAuth2Api', {
      subdomain: 'acme', host: 'current', baseUrl: `${proxy.url}/zendesk`, clientId: zd.clientId, clientSecret: zd.clientSecret,
      username: DEFAULT_USERS.zendesk.email, password: DEFAULT_USERS.zendesk.password, scopes: ['read'],
    });
    const advanced = await rest.createCredential('advanced password', 'advancedOAuth2Api', {
      grantType: 'password', tokenUrl: `${proxy.url}/generic/oauth2/token`, clientId: gen.clientId, clientSecret: gen.clientSecret, clientAuthentication: 'basic',
      username: DEFAULT_USERS.generic.username, password: DEFAULT_USERS.generic.password, scope: 'read', headerName: 'Authorization', headerPrefix: 'Bearer',
    });
    const flows = {
      zendesk: {
        path: 'queue-zd-password', provider: 'zendesk' as const, api: '/zendesk/api/',
        id: await rest.activeWorkflow(webhookWorkflow('queue zendesk password', 'queue-zd-password', [{
          name: 'Account', type: node('zendeskChat'), typeVersion: 1, credentials: { zendeskChatPasswordOAuth2Api: zendesk },
          parameters: { authentication: 'password', resource: 'account', operation: 'get' },
        }]), 'queue-zd-password'),
      },
      advanced: {
        path: 'queue-advanced', provider: 'generic' as const, api: '/generic/api/',
        id: await rest.activeWorkflow(webhookWorkflow('queue advanced password', 'queue-advanced', [{
          name: 'Me', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, credentials: { advancedOAuth2Api: advanced },
          parameters: { url: `${proxy.url}/generic/api/me`, authentication: 'predefinedCredentialType', nodeCredentialType: 'advancedOAuth2Api', options: {} },
        }]), 'queue-advanced'),
      },
    };
    type Name = keyof typeof flows;
    const names = Object.keys(flows) as Name[];
    const run = async (label: string, perFlow: number, expire: boolean) => {
      const before = {
        grants: Object.fromEntries(names.map((n) => [n, grants(flows[n].provider)])) as Record<Name, Record<string, number>>,
        reuse: sandbox.counters.refreshTokenReuse,
        events: proxy.events.length,
        executions: Object.fromEntries(await Promise.all(names.map(async (n) => [n, (await rest.executions(flows[n].id)).length]))) as Record<Name, number>,
      };
      if (expire) {
        sandbox.expireAccessTokens('zendesk');
        sandbox.expireAccessTokens('generic');
      }
      const answers = await Promise.all(names.flatMap((n) => Array.from({ length: perFlow }, () => call(flows[n].path, { run: label }))));
      const out: Record<string, unknown> = { label, refreshTokenReuse: sandbox.counters.refreshTokenReuse - before.reuse };
      const events = proxy.since(before.events);
      for (const n of names) {
        const executions = (await rest.finishedExecutions(flows[n].id, before.executions[n] + perFlow)).slice(before.executions[n]);
        const failedIds = executions.filter((e) => e.status !== 'success').map((e) => e.id);
        const tokenEvents = events.filter((e) => e.grantType && e.path.startsWith(`/${flows[n].provider}/`));
        const rejected = events.filter((e) => e.path.startsWith(flows[n].api) && e.status === 401);
        // the Zendesk Chat Trigger (part 1) polls on the same provider with its own client-credentials
        // credential while this runs, and its token may expire meanwhile: its grants are not these flows'
        const { client_credentials: _triggerGrants, ...tokenRequests } = diff(grants(flows[n].provider), before.grants[n]);
        out[n] = {
          executions: executions.length, failed: failedIds.length, failures: await failures(failedIds), ranBy: ranBy(executions.map((e) => e.id)),
          tokenRequests, tokenRequestTotal: Object.values(tokenRequests).reduce((a, b) => a + b, 0),
          refusedRefreshes: tokenEvents.filter((e) => e.grantType === 'refresh_token' && e.status !== 200).length,
          tokenRequestsByWorker: tally(tokenEvents.map((e) => `${e.who} ${e.grantType}${e.status === 200 ? '' : ` ${e.status}`}`)),
          rejectedApiCalls: rejected.length, rejectedBy: tally(rejected.map((e) => e.who)),
        };
      }
      out.httpErrors = answers.filter((a) => a.status !== 200).length;
      return out;
    };
    // a slow token endpoint (0.8 s): the executions on both workers meet the expired token together
    sandbox.configure({ tokenDelayMs: { zendesk: 800, generic: 800 } });
    const runs: Array<Record<string, unknown>> = [];
    try {
      runs.push(await run('cold', 1, false));
      runs.push(await run('expired 1', 8, true));
      runs.push(await run('expired 2', 8, true));
      runs.push(await run('after', 2, false));
    } finally {
      sandbox.configure({ tokenDelayMs: 0 });
    }
    figures.preAuthentication = runs;
    type Flow = { failed: number; failures: string[]; tokenRequests: Record<string, number>; tokenRequestTotal: number; refusedRefreshes: number; rejectedApiCalls: number; rejectedBy: Record<string, number> };
    const [cold, first, second, after] = runs;
    // 0 failed executions, on both credentials, in every run
    const failedRuns = runs.flatMap((r) => names.map((n) => ({ run: r.label, flow: n, failures: (r[n] as Flow).failures }))).filter((f) => f.failures.length);
    expect(failedRuns).toEqual([]);
    expect(runs.map((r) => r.httpErrors)).toEqual([0, 0, 0, 0]);
    for (const n of names) {
      // the first run: preAuthentication with an empty token, one password grant
      expect((cold[n] as Flow).tokenRequests).toEqual({ password: 1 });
      for (const r of [first, second]) {
        const flow = r[n] as Flow;
        // n8n runs preAuthentication in every execution that met the expired token, on both workers
        // at once: each runs the password grant, and no refresh token is sent, so none is reused
        expect(r.refreshTokenReuse).toBe(0);
        expect(Object.keys(flow.tokenRequests)).toEqual(['password']);
        expect(flow.refusedRefreshes).toBe(0);
        // the bound: one token request per API request that met the expired token
        expect(flow.tokenRequestTotal).toBeGreaterThanOrEqual(1);
        expect(flow.tokenRequestTotal).toBeLessThanOrEqual(flow.rejectedApiCalls);
      }
      // both workers met the expired token
      expect(Object.keys({ ...(first[n] as Flow).rejectedBy, ...(second[n] as Flow).rejectedBy }).sort()).toEqual(['worker1', 'worker2']);
      // not stranded: the stored token works, no token request
      expect((after[n] as Flow).tokenRequests).toEqual({});
    }
    timings.preAuthenticationMs = Date.now() - t0;
  });

  // ---- Zendesk Chat Trigger, part 2: a scheduled poll emitted the chat added after activation ----
  it('Zendesk Chat Trigger in queue mode: each new chat emitted exactly once (activation poll and scheduled polls), run by the workers', async () => {
    expect(trigger).toBeDefined();
    const { workflowId, chats } = trigger!;
    const deadline = Date.now() + 100_000;
    let emitted: string[] = [];
    let executions: Awaited<ReturnType<N8nRest['finishedExecutions']>> = [];
    for (;;) {
      executions = await rest.finishedExecutions(workflowId, 1);
      emitted = [];
      for (const execution of executions) {
        expect(execution.status).toBe('success');
        emitted.push(...nodeItems(await rest.executionData(execution.id), 'New chats').map((c) => String(c.id)));
      }
      if (emitted.includes(chats[2]) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    await rest.call('POST', `/workflows/${workflowId}/deactivate`, {});
    figures.trigger = { executions: executions.length, emitted: emitted.length, ranBy: ranBy(executions.map((e) => e.id)), secondsSinceActivation: Math.round((Date.now() - trigger!.activatedAt) / 1000) };
    expect(emitted.sort()).toEqual([...chats].sort());
    timings.triggerScheduledPollMs = Date.now() - started;
  });

  it('n8n printed no secret or token (main, workers, REST and webhook answers)', () => {
    const secrets = new Set<string>([
      dt.clientSecret!, zd.clientSecret!, gen.clientSecret!, DEFAULT_USERS.zendesk.password, DEFAULT_USERS.generic.password, OWNER.password,
      postgres.password, redis.password, ...proxy.issuedTokens,
    ]);
    expect(proxy.issuedTokens.size).toBeGreaterThan(10);
    const text = [cluster!.main.output(), ...cluster!.workers.map((w) => w.output()), ...rest.seen, ...webhookAnswers].join('\n');
    expect([...secrets].filter((value) => text.includes(value)).length).toBe(0);
  });
});
