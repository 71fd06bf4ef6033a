// The OAuth2 Credential Health Trigger in a real n8n server (2.41.1 under Node 24, `n8n start` from
// the tool cache with this package loaded), in active workflows that n8n polls every minute (its
// minimum; each workflow also polls once when it is activated), against provider sandboxes:
//   (a) Deployteq sign-in credential, "When the Token Has Expired" (access tokens live 20 s): the
//       sandbox revokes the grant → one reconnect_needed item; reconnecting through n8n's own OAuth2
//       flow (what the Connect button does) → recovered;
//   (b) refresh tokens that expire within the warning window (2 days, window 7): one
//       refresh_token_expiring item and no token request without Keep Alive; with Keep Alive one
//       item and a refresh at every poll, each with the rotated refresh token (no reuse);
//   (c) Advanced OAuth2 client credentials with a wrong secret → token_request_failed; the secret
//       fixed in the credential → recovered;
//   (d) a token server whose error code is the client secret it was sent (issue #15 item 3): the
//       item and the workflow's static data show a generic code, never the secret.
// All workflows are activated together, so their minute-based polls run side by side (about 3 to
// 5 minutes for the file). Executions are read back through the REST API, as the editor does.
// Nothing n8n printed or answered may contain a secret or any token the sandboxes issued.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_CLIENTS, startSandbox, type Sandbox } from '../../../sandbox';
import { PACKAGE_NAME } from './harness';
import { n8nServerScript as n8nScript, N8nRest, sandboxCodeTokens, unflatten, type N8nServer } from './rest';

jest.setTimeout(12 * 60_000);

const dt = DEFAULT_CLIENTS.deployteq[0];
const gen = DEFAULT_CLIENTS.generic.find((c) => !c.public)!;
const WRONG_SECRET = 'wrong-secret-Hc4';
const OWNER = { email: 'owner@example.test', firstName: 'Test', lastName: 'Owner', password: 'Owner-pass-2041' };
/** Every token the sandboxes issue looks like this (sandbox/tokens.ts): none may appear in n8n's output. */
const SANDBOX_TOKEN = /\b(dt|zd|gen)(at|rt)_[A-Za-z0-9_-]{40,}/;
const DAY_MS = 86_400_000;
/** Longest wait for the next scheduled poll's item: a minute plus the execution. */
const NEXT_POLL_MS = 100_000;

type Json = Record<string, unknown>;

const TRIGGER = 'Credential health';

describe(`OAuth2 Credential Health Trigger in a real n8n server (package ${PACKAGE_NAME})`, () => {
  const sandboxes: Sandbox[] = [];
  /** (a) and (c): Deployteq access tokens live 20 s. */
  let sbA: Sandbox;
  /** (b) without Keep Alive, and with it: refresh tokens live 2 days. */
  let sbB1: Sandbox;
  let sbB2: Sandbox;
  /** (d): its token endpoint answers with the client secret as the error code. */
  let sbD: Sandbox;
  let server: N8nServer | undefined;
  let rest: N8nRest;
  let work: string;
  let activatedAt = 0;
  const secrets = new Set<string>([dt.clientSecret!, gen.clientSecret!, WRONG_SECRET, OWNER.password]);
  const workflows: Record<'a' | 'b1' | 'b2' | 'c' | 'd', string> = { a: '', b1: '', b2: '', c: '', d: '' };
  const credentialIds: Record<'a' | 'b1' | 'b2' | 'c' | 'd', string> = { a: '', b1: '', b2: '', c: '', d: '' };
  const timings: Record<string, number> = {};
  const started = Date.now();

  /** The tokens of a sign-in at a sandbox, added to the leak check. */
  async function codeTokens(sandbox: Sandbox): Promise<Json> {
    const tokens = await sandboxCodeTokens(sandbox, 'deployteq', 'apps.webhook:execute offline_access');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    for (const key of ['access_token', 'refresh_token']) secrets.add(String(tokens[key]));
    return tokens;
  }

  const deployteqData = (sandbox: Sandbox) => ({
    grantType: 'authorizationCode',
    authHost: 'custom',
    customAuthBaseUrl: `${sandbox.url}/deployteq`,
    clientId: dt.clientId,
    clientSecret: dt.clientSecret,
    requestedScopes: ['apps.webhook:execute', 'offline_access'],
  });
  const advancedData = (secret: string, sandbox = sbA) => ({ grantType: 'clientCredentials', tokenUrl: sandbox.endpoints.generic.token, clientId: gen.clientId, clientSecret: secret, clientAuthentication: 'basic', scope: 'read' });

  async function createCredential(name: string, type: string, data: Json): Promise<string> {
    const created = await rest.call<{ id: string }>('POST', '/credentials', { name, type, data });
    return created.id;
  }

  async function createWorkflow(name: string, type: string, credentialId: string, parameters: Json): Promise<{ id: string; versionId: string }> {
    return await rest.call<{ id: string; versionId: string }>('POST', '/workflows', {
      name,
      active: false,
      nodes: [
        {
          id: `health-${name.replace(/\W/g, '')}`,
          name: TRIGGER,
          type: `${PACKAGE_NAME}.oAuth2CredentialHealthTrigger`,
          typeVersion: 1,
          position: [0, 0],
          parameters: { authentication: type, pollTimes: { item: [{ mode: 'everyMinute' }] }, check: 'whenExpired', warnDays: 7, ...parameters },
          credentials: { [type]: { id: credentialId, name } },
        },
      ],
      connections: {},
      settings: { executionOrder: 'v1' },
    });
  }

  /** The items of every finished execution of a workflow (oldest first), once there are at least `count`. */
  async function itemsOf(workflowId: string, count: number, timeoutMs: number): Promise<Json[][]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const list = await rest.call<{ results: Array<{ id: string; status: string }> }>('GET', `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`);
      const done = list.results.filter((e) => e.status === 'success' || e.status === 'error');
      if (done.length >= count) {
        const runs: Json[][] = [];
        for (const execution of [...done].sort((x, y) => Number(x.id) - Number(y.id))) {
          expect(execution.status).toBe('success');
          const full = await rest.call<{ data: string }>('GET', `/executions/${execution.id}`);
          const runData = (unflatten(full.data).resultData as { runData: Record<string, Array<{ data?: { main?: Array<Array<{ json: Json }>> } }>> }).runData;
          runs.push((runData[TRIGGER]?.[0]?.data?.main?.[0] ?? []).map((item) => item.json));
        }
        return runs;
      }
      if (Date.now() > deadline) throw new Error(`workflow ${workflowId}: ${done.length} of ${count} executions within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** Waits until `ms` have passed since the workflows were activated (so that many scheduled polls ran). */
  async function sinceActivation(ms: number): Promise<void> {
    const left = activatedAt + ms - Date.now();
    if (left > 0) await new Promise((r) => setTimeout(r, left));
  }

  beforeAll(async () => {
    sbA = await startSandbox({ port: 0, maxLifetimeMs: 11 * 60_000, consent: 'auto-approve', accessTokenLifetime: { deployteq: 20 } });
    sbB1 = await startSandbox({ port: 0, maxLifetimeMs: 11 * 60_000, consent: 'auto-approve', refreshTokenLifetime: 2 * 86400 });
    sbB2 = await startSandbox({ port: 0, maxLifetimeMs: 11 * 60_000, consent: 'auto-approve', refreshTokenLifetime: 2 * 86400 });
    sbD = await startSandbox({ port: 0, maxLifetimeMs: 11 * 60_000, consent: 'auto-approve' });
    sbD.addFault({ provider: 'generic', endpoint: 'token', kind: 'error-echoes-credential', times: 1000 });
    sandboxes.push(sbA, sbB1, sbB2, sbD);
    const dist = path.join(__dirname, '..', '..', '..', 'dist', 'nodes', 'OAuth2CredentialHealthTrigger', 'OAuth2CredentialHealthTrigger.node.js');
    if (!fs.existsSync(dist)) throw new Error('dist/ is missing: run `node scripts/pack.js` first');
    const n8n = n8nScript.ensureN8n();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-health-'));
    const userFolder = n8nScript.createUserFolder(path.join(work, 'user'));
    // info: the leak check below also covers what n8n logs about polls and failed refreshes
    const env = await n8nScript.n8nEnv(userFolder, { N8N_LOG_LEVEL: 'info' });
    server = await n8nScript.startN8nServer(n8n, env, { maxLifetimeMs: 11 * 60_000 });
    timings.serverReadyMs = Date.now() - started;
    rest = new N8nRest(server.url, 'health-trigger-browser');
    await rest.signIn(OWNER);

    credentialIds.a = await createCredential('Deployteq A', 'deployteqOAuth2Api', { ...deployteqData(sbA), oauthTokenData: await codeTokens(sbA) });
    credentialIds.b1 = await createCredential('Deployteq B1', 'deployteqOAuth2Api', { ...deployteqData(sbB1), oauthTokenData: await codeTokens(sbB1) });
    credentialIds.b2 = await createCredential('Deployteq B2', 'deployteqOAuth2Api', { ...deployteqData(sbB2), oauthTokenData: await codeTokens(sbB2) });
    credentialIds.c = await createCredential('Advanced C', 'advancedOAuth2Api', advancedData(WRONG_SECRET));
    credentialIds.d = await createCredential('Advanced D', 'advancedOAuth2Api', advancedData(gen.clientSecret!, sbD));
    const specs: Array<[keyof typeof workflows, string, Json]> = [
      ['a', 'deployteqOAuth2Api', {}],
      ['b1', 'deployteqOAuth2Api', { check: 'stored' }],
      ['b2', 'deployteqOAuth2Api', { check: 'stored', keepAlive: true }],
      ['c', 'advancedOAuth2Api', {}],
      ['d', 'advancedOAuth2Api', {}],
    ];
    const created = [];
    for (const [key, type, parameters] of specs) {
      const workflow = await createWorkflow(`Health ${key}`, type, credentialIds[key], parameters);
      workflows[key] = workflow.id;
      created.push(workflow);
    }
    // n8n 2.41 publishes an activation through its outbox: the activation poll of each workflow runs
    // shortly after the REST call returns; afterwards n8n polls every minute
    for (const workflow of created) await rest.call('POST', `/workflows/${workflow.id}/activate`, { versionId: workflow.versionId });
    for (const key of ['b1', 'b2', 'c', 'd'] as const) await itemsOf(workflows[key], 1, 60_000);
    activatedAt = Date.now();
    timings.activatedMs = activatedAt - started;
  });

  afterAll(async () => {
    for (const id of Object.values(workflows)) if (id) await rest?.call('POST', `/workflows/${id}/deactivate`, {}).catch(() => undefined);
    await server?.stop();
    n8nScript.stopAll();
    for (const sandbox of sandboxes) await sandbox.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
    process.stdout.write(`health-trigger timings: ${JSON.stringify({ ...timings, totalMs: Date.now() - started })}\n`);
  });

  it('(a) Deployteq sign-in: a revoked grant gives one reconnect_needed item; reconnecting through n8n gives recovered', async () => {
    // the activation poll found a fresh token: healthy, nothing emitted, nothing asked
    expect(sbA.counters.tokenRequestsByProviderGrant.deployteq.refresh_token ?? 0).toBe(0);
    expect(sbA.revokeAll('deployteq').refreshTokens).toBeGreaterThan(0);

    // the first scheduled poll after the 20 s access token expired refreshes, and is refused
    const [revoked] = await itemsOf(workflows.a, 1, 20_000 + 2 * NEXT_POLL_MS);
    timings.reconnectNeededMs = Date.now() - activatedAt;
    expect(revoked).toEqual([
      expect.objectContaining({
        event: 'reconnect_needed',
        status: 'reconnect_needed',
        reason: 'refresh_token_refused',
        error: { code: 'invalid_grant' },
        tokenRequest: 'refresh',
        tokenRequestReason: 'expired',
        credential: { id: credentialIds.a, name: 'Deployteq A', type: 'deployteqOAuth2Api' },
        message: expect.stringMatching(/refused the refresh token.*reconnect it/),
      }),
    ]);
    const refusals = sbA.counters.tokenRequestsByProviderGrant.deployteq.refresh_token;
    expect(refusals).toBeGreaterThanOrEqual(1);

    // the user reconnects: n8n's OAuth2 flow (the credential's Connect button), consent auto-approved by the sandbox
    const authUrl = await rest.call<string>('GET', `/oauth2-credential/auth?id=${credentialIds.a}`);
    expect(authUrl.startsWith(sbA.endpoints.deployteq.authorize)).toBe(true);
    const consent = await fetch(authUrl, { redirect: 'manual' });
    const callback = String(consent.headers.get('location'));
    expect(callback.startsWith(`${server!.url}/rest/oauth2-credential/callback?`)).toBe(true);
    const exchanged = await rest.raw('GET', callback);
    expect(exchanged.status).toBe(200);
    expect(exchanged.text).not.toMatch(/error/i);
    const stored = await rest.call<{ data: Json }>('GET', `/credentials/${credentialIds.a}?includeData=true`);
    expect(stored.data.oauthTokenData).toBe(true);

    const runs = await itemsOf(workflows.a, 2, NEXT_POLL_MS);
    timings.recoveredMs = Date.now() - activatedAt;
    expect(runs).toHaveLength(2);
    expect(runs[1]).toEqual([expect.objectContaining({ event: 'recovered', status: 'healthy', previousStatus: 'reconnect_needed', reason: 'refresh_token_refused', problemSince: expect.any(String) })]);
    // the refused token was never sent again, and nothing reused a rotated one
    expect(sbA.counters.refreshTokenReuse).toBe(0);
    expect(refusals).toBe(1);
  });

  it('(b) refresh token expiring within the window, no Keep Alive: one refresh_token_expiring item over several polls, no token request', async () => {
    await sinceActivation(125_000); // at least two scheduled polls after the activation poll
    const runs = await itemsOf(workflows.b1, 1, 1000);
    expect(runs).toHaveLength(1); // the activation poll's item, and no other
    expect(runs[0]).toEqual([
      expect.objectContaining({ event: 'refresh_token_expiring', status: 'refresh_token_expiring', tokenRequest: 'none', message: expect.stringMatching(/expires on .*turn on Keep Alive/) }),
    ]);
    const expiresAt = Date.parse(String(runs[0][0].refreshTokenExpiresAt));
    expect(Math.abs(expiresAt - (started + 2 * DAY_MS))).toBeLessThan(10 * 60_000);
    expect(sbB1.counters.tokenRequests).toBe(1); // the code exchange of the set-up only
  });

  it('(b) with Keep Alive: one refresh_token_expiring item, a refresh at every poll with the rotated refresh token (no reuse)', async () => {
    await sinceActivation(125_000);
    const runs = await itemsOf(workflows.b2, 1, 1000);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toEqual([
      expect.objectContaining({ event: 'refresh_token_expiring', tokenRequest: 'refresh', tokenRequestReason: 'keep_alive', message: expect.not.stringMatching(/turn on Keep Alive/) }),
    ]);
    // the activation poll and at least two scheduled polls each refreshed; rotation is on, so each
    // refresh that succeeded presented the refresh token n8n saved from the one before
    expect(sbB2.counters.tokenRequestsByProviderGrant.deployteq.refresh_token).toBeGreaterThanOrEqual(3);
    expect(sbB2.counters.refreshTokenReuse).toBe(0);
    timings.keepAliveRefreshes = sbB2.counters.tokenRequestsByProviderGrant.deployteq.refresh_token;
  });

  it('(c) Advanced OAuth2, client credentials with a wrong secret: token_request_failed; the secret fixed: recovered', async () => {
    const [failed] = await itemsOf(workflows.c, 1, 1000);
    expect(failed).toEqual([
      expect.objectContaining({
        event: 'token_request_failed',
        status: 'token_request_failed',
        tokenRequest: 'grant',
        error: { code: 'invalid_client', httpStatus: 401 },
        credential: { id: credentialIds.c, name: 'Advanced C', type: 'advancedOAuth2Api' },
      }),
    ]);
    // one grant at activation; unchanged credential: no further requests within the hour
    expect(sbA.counters.tokenRequestsByProviderGrant.generic.client_credentials).toBe(1);

    await rest.call('PATCH', `/credentials/${credentialIds.c}`, { name: 'Advanced C', type: 'advancedOAuth2Api', data: advancedData(gen.clientSecret!) });
    const fixedAt = Date.now();
    const runs = await itemsOf(workflows.c, 2, NEXT_POLL_MS);
    timings.cRecoveredAfterFixMs = Date.now() - fixedAt;
    expect(runs[1]).toEqual([expect.objectContaining({ event: 'recovered', status: 'healthy', previousStatus: 'token_request_failed', tokenRequestReason: 'retry' })]);
    expect(sbA.counters.tokenRequestsByProviderGrant.generic.client_credentials).toBe(2);
  });

  it('(d) an error code that is the client secret: a generic code in the item and the static data, the secret nowhere', async () => {
    const [failed] = await itemsOf(workflows.d, 1, 1000);
    expect(sbD.counters.faultsServed).toBeGreaterThanOrEqual(1);
    expect(failed).toEqual([
      expect.objectContaining({ event: 'token_request_failed', error: { code: 'unrecognised_error', httpStatus: 400 }, message: expect.stringMatching(/unrecognised_error, HTTP 400/) }),
    ]);
    const workflow = await rest.call<{ staticData?: unknown }>('GET', `/workflows/${workflows.d}`);
    expect(JSON.stringify(workflow.staticData ?? {})).toContain('unrecognised_error');
    expect(JSON.stringify([failed, workflow])).not.toContain(gen.clientSecret!);
  });

  it('n8n printed and answered no secret and no token', () => {
    const text = `${server!.output()}\n${rest.seen.join('\n')}`;
    expect([...secrets].filter((value) => text.includes(value))).toEqual([]);
    expect(SANDBOX_TOKEN.exec(text)?.[0].slice(0, 6)).toBeUndefined();
  });
});
