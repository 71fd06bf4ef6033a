// The OAuth2 Credential Health Trigger's state machine as pure functions: what a poll reads from
// the stored credential (snapshotOf), which token request it makes (planCheck), the status it
// reaches (assess) and the events of a change (transition), simulated over many polls with a fake
// clock and scripted token-server answers. Plus the error classification and the one-method-per-poll
// `auto` client authentication.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { OAuth2Error, OAuth2TransportError } from '../../../lib/oauth2/errors';
import {
  assess,
  DAY_MS,
  HOUR_MS,
  messageOf,
  planCheck,
  RETRY_AFTER_MS,
  safeCode,
  track,
  transition,
  type EventDraft,
  type Memory,
  type Outcome,
  type Settings,
  type Snapshot,
} from '../../../nodes/OAuth2CredentialHealthTrigger/health';
import { snapshotOf, stableJson } from '../../../nodes/OAuth2CredentialHealthTrigger/snapshot';
import { classifyEngineError, classifyN8nError, pickClientAuth } from '../../../nodes/OAuth2CredentialHealthTrigger/token-check';

const fp = (value: string) => `fp(${value.length}:${[...value].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7).toString(16)})`;
const T0 = Date.UTC(2026, 0, 1);
const defaults: Settings = { mode: 'whenExpired', warnDays: 7, keepAlive: false, keepAliveIntervalHours: 0 };

/** n8n's stored oAuth2Api data for a Deployteq sign-in credential. */
function deployteq(tokens: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): ICredentialDataDecryptedObject {
  return { grantType: 'authorizationCode', clientId: 'dt-client', clientSecret: 'dt-secret', ...(tokens ? { oauthTokenData: tokens } : {}), ...extra } as ICredentialDataDecryptedObject;
}

/** One poll of the machine: what the node does around its I/O. `answer` plays the token server. */
function poll(
  memory: Memory,
  snap: Snapshot,
  now: number,
  settings: Settings = defaults,
  answer: (request: string) => { outcome: Outcome; after?: Snapshot } = () => ({ outcome: { kind: 'ok' } }),
): { memory: Memory; events: EventDraft[]; request?: string; why?: string } {
  let m = track(memory, snap, now);
  const plan = planCheck(m, snap, settings, now);
  let outcome: Outcome = { kind: 'none' };
  let judged = snap;
  if (plan.request) {
    const result = answer(plan.request);
    outcome = result.outcome;
    if (result.after) {
      judged = result.after;
      m = track(m, judged, now);
    }
  }
  const next = transition(m, assess(m, judged, outcome, settings, now), judged, plan.request, outcome, now);
  return { ...next, request: plan.request, why: plan.why };
}

describe('snapshotOf: what the stored credential says, as fingerprints and times', () => {
  it('reads n8n\'s oauthTokenData (string lifetimes too) and keeps no token', () => {
    const snap = snapshotOf(
      'deployteqOAuth2Api',
      deployteq({ access_token: 'AT-secret-1', refresh_token: 'RT-secret-1', expires_in: '3600', refresh_token_expires_in: 86400, n8n_expires_at: String(T0 + 3600_000) }),
      fp,
    );
    expect(snap).toMatchObject({ kind: 'oauth2Code', hasAccessToken: true, accessExpiresAt: T0 + 3600_000, accessLifetimeSec: 3600, refreshLifetimeSec: 86400, issuedAt: T0 });
    expect(JSON.stringify(snap)).not.toMatch(/secret/);
    expect(snap.accessFp).not.toBe(snap.refreshFp);
  });

  it('client credentials, an unconnected sign-in, and the engine credentials\' own fields', () => {
    expect(snapshotOf('deployteqOAuth2Api', deployteq(undefined, { grantType: 'clientCredentials' }), fp)).toMatchObject({ kind: 'oauth2ClientCredentials', hasAccessToken: false, tokenFp: '' });
    expect(snapshotOf('zendeskChatOAuth2Api', deployteq(undefined), fp)).toMatchObject({ kind: 'oauth2Code', hasAccessToken: false });
    const pre = snapshotOf('advancedOAuth2Api', { clientSecret: 's', accessToken: 'A', refreshToken: '', tokenExpiresAt: T0 }, fp);
    expect(pre).toMatchObject({ kind: 'preAuth', hasAccessToken: true, accessExpiresAt: T0 });
    expect(snapshotOf('zendeskChatPasswordOAuth2Api', { accessToken: '', tokenExpiresAt: 0 }, fp)).toMatchObject({ kind: 'preAuth', hasAccessToken: false });
  });

  it('the data fingerprint ignores key order and follows every change', () => {
    expect(stableJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(stableJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
    const a = snapshotOf('advancedOAuth2Api', { clientId: 'c', clientSecret: 'one' }, fp);
    const b = snapshotOf('advancedOAuth2Api', { clientSecret: 'one', clientId: 'c' }, fp);
    const c = snapshotOf('advancedOAuth2Api', { clientSecret: 'two', clientId: 'c' }, fp);
    expect(a.dataFp).toBe(b.dataFp);
    expect(c.dataFp).not.toBe(a.dataFp);
  });
});

describe('sign-in credential (oAuth2Api, authorization code)', () => {
  const fresh = (n: number, extra: Record<string, unknown> = {}) =>
    snapshotOf('deployteqOAuth2Api', deployteq({ access_token: `AT${n}`, refresh_token: `RT${n}`, expires_in: 60, ...extra }), fp);

  it('a first healthy poll emits nothing and asks nothing', () => {
    const r = poll({}, fresh(1), T0);
    expect(r).toMatchObject({ events: [], request: undefined, memory: { status: 'healthy' } });
  });

  it('not connected: reconnect_needed at once, no token request, and only once', () => {
    const snap = snapshotOf('deployteqOAuth2Api', deployteq(undefined), fp);
    const first = poll({}, snap, T0, { ...defaults, mode: 'everyPoll' });
    expect(first.request).toBeUndefined();
    expect(first.events).toEqual([expect.objectContaining({ event: 'reconnect_needed', reason: 'not_connected' })]);
    expect(poll(first.memory, snap, T0 + 60_000).events).toEqual([]);
  });

  it('When Expired: refreshes only once the stored access token has expired (its lifetime from when it was first seen)', () => {
    let r = poll({}, fresh(1), T0);
    expect(r.request).toBeUndefined();
    r = poll(r.memory, fresh(1), T0 + 59_000);
    expect(r.request).toBeUndefined();
    r = poll(r.memory, fresh(1), T0 + 61_000, defaults, () => ({ outcome: { kind: 'ok' }, after: fresh(2) }));
    expect(r).toMatchObject({ request: 'refresh', why: 'expired', events: [] });
    // n8n's own expiry wins over the estimate
    const saved = fresh(3, { n8n_expires_at: T0 + 10 * 60_000 });
    expect(poll(r.memory, saved, T0 + 5 * 60_000).request).toBeUndefined();
    expect(poll(r.memory, saved, T0 + 11 * 60_000).request).toBe('refresh');
  });

  it('Stored Data Only never asks; Every Poll asks at every poll', () => {
    expect(poll({}, fresh(1), T0 + DAY_MS, { ...defaults, mode: 'stored' }).request).toBeUndefined();
    let r = poll({}, fresh(1), T0, { ...defaults, mode: 'everyPoll' });
    expect(r.request).toBe('refresh');
    r = poll(r.memory, fresh(1), T0 + 60_000, { ...defaults, mode: 'everyPoll' });
    expect(r.request).toBe('refresh');
  });

  it('a refused refresh: one reconnect_needed; the refused token is not sent again; a new token: recovered', () => {
    const settings: Settings = { ...defaults, mode: 'everyPoll' };
    let r = poll({}, fresh(1), T0, settings, () => ({ outcome: { kind: 'ok' }, after: fresh(2) }));
    expect(r.events).toEqual([]);
    r = poll(r.memory, fresh(2), T0 + 60_000, settings, () => ({ outcome: { kind: 'refused', error: { code: 'invalid_grant', httpStatus: 400 } } }));
    expect(r.events).toEqual([expect.objectContaining({ event: 'reconnect_needed', status: 'reconnect_needed', previousStatus: 'healthy', reason: 'refresh_token_refused', error: { code: 'invalid_grant', httpStatus: 400 } })]);
    const asked: string[] = [];
    for (let i = 2; i < 5; i++) {
      r = poll(r.memory, fresh(2), T0 + i * 60_000, settings, (req) => {
        asked.push(req);
        return { outcome: { kind: 'refused', error: {} } };
      });
      expect(r.events).toEqual([]);
    }
    expect(asked).toEqual([]);
    // the user reconnected: a new stored token
    r = poll(r.memory, fresh(3), T0 + 6 * 60_000, settings, () => ({ outcome: { kind: 'ok' }, after: fresh(4) }));
    expect(r.events).toEqual([expect.objectContaining({ event: 'recovered', status: 'healthy', previousStatus: 'reconnect_needed', reason: 'refresh_token_refused', problemSince: T0 + 60_000 })]);
    expect(poll(r.memory, fresh(4), T0 + 7 * 60_000, settings).events).toEqual([]);
  });

  it('an expired access token without a refresh token, and a refresh token past its lifetime: reconnect_needed without asking', () => {
    const noRefresh = snapshotOf('deployteqOAuth2Api', deployteq({ access_token: 'AT', expires_in: 60 }), fp);
    let r = poll({}, noRefresh, T0);
    expect(r.events).toEqual([]);
    r = poll(r.memory, noRefresh, T0 + 61_000);
    expect(r).toMatchObject({ request: undefined, events: [expect.objectContaining({ event: 'reconnect_needed', reason: 'no_refresh_token' })] });

    const short = fresh(1, { refresh_token_expires_in: 120, expires_in: 3600 });
    r = poll({}, short, T0, { ...defaults, warnDays: 0 });
    r = poll(r.memory, short, T0 + 121_000, { ...defaults, mode: 'everyPoll', warnDays: 0 });
    expect(r).toMatchObject({ request: undefined, events: [expect.objectContaining({ event: 'reconnect_needed', reason: 'refresh_token_expired' })] });
  });

  it('refresh_token_expiring: once per refresh token and per stretch, with the expiry; recovered when a long-lived token replaces it', () => {
    const settings: Settings = { ...defaults, mode: 'stored', warnDays: 7 };
    const expiring = fresh(1, { refresh_token_expires_in: 2 * 86400, expires_in: 3600 });
    let r = poll({}, expiring, T0, settings);
    expect(r.events).toEqual([expect.objectContaining({ event: 'refresh_token_expiring', refreshTokenExpiresAt: T0 + 2 * DAY_MS })]);
    for (let i = 1; i <= 3; i++) expect((r = poll(r.memory, expiring, T0 + i * HOUR_MS, settings)).events).toEqual([]);
    // another workflow's refresh rotated it, still inside the window: same stretch, no new warning
    r = poll(r.memory, fresh(2, { refresh_token_expires_in: 2 * 86400, expires_in: 3600 }), T0 + 5 * HOUR_MS, settings);
    expect(r.events).toEqual([]);
    r = poll(r.memory, fresh(3, { refresh_token_expires_in: 60 * 86400, expires_in: 3600 }), T0 + 6 * HOUR_MS, settings);
    expect(r.events).toEqual([expect.objectContaining({ event: 'recovered', previousStatus: 'refresh_token_expiring', reason: 'refresh_token_expiring' })]);
  });

  it('a warned refresh token is not warned about again after an interruption (a failed request, then recovered)', () => {
    const settings: Settings = { ...defaults, mode: 'everyPoll' };
    const same = fresh(1, { refresh_token_expires_in: 2 * 86400, expires_in: 3600 });
    let r = poll({}, same, T0, settings, () => ({ outcome: { kind: 'ok' }, after: same }));
    expect(r.events.map((e) => e.event)).toEqual(['refresh_token_expiring']);
    r = poll(r.memory, same, T0 + 60_000, settings, () => ({ outcome: { kind: 'failed', error: { code: 'invalid_client' } } }));
    expect(r.events.map((e) => e.event)).toEqual(['token_request_failed']);
    r = poll(r.memory, same, T0 + 120_000, settings, () => ({ outcome: { kind: 'ok' }, after: same }));
    expect(r.events).toEqual([expect.objectContaining({ event: 'recovered', status: 'refresh_token_expiring', previousStatus: 'token_request_failed' })]);
  });

  it('the refresh token\'s age counts from the stored response time when it is earlier than when the trigger first saw it', () => {
    const issued = T0 - 6 * DAY_MS;
    const snap = fresh(1, { refresh_token_expires_in: 10 * 86400, expires_in: 3600, n8n_expires_at: issued + 3600_000 });
    const r = poll({}, snap, T0, { ...defaults, mode: 'stored' });
    expect(r.events).toEqual([expect.objectContaining({ event: 'refresh_token_expiring', refreshTokenExpiresAt: issued + 10 * DAY_MS })]);
  });

  it('Keep Alive: refreshes inside the window; a token that leaves the window means no event at all', () => {
    const settings: Settings = { ...defaults, mode: 'stored', keepAlive: true };
    const old = fresh(1, { refresh_token_expires_in: 30 * 86400, expires_in: 3600 });
    let r = poll({}, old, T0, settings);
    expect(r.request).toBeUndefined();
    r = poll(r.memory, old, T0 + 22 * DAY_MS, settings);
    expect(r.request).toBeUndefined();
    r = poll(r.memory, old, T0 + 24 * DAY_MS, settings, () => ({ outcome: { kind: 'ok' }, after: fresh(2, { refresh_token_expires_in: 30 * 86400, expires_in: 3600, n8n_expires_at: T0 + 24 * DAY_MS + 3600_000 }) }));
    expect(r).toMatchObject({ request: 'refresh', why: 'keep_alive', events: [], memory: { status: 'healthy', lastTokenAt: T0 + 24 * DAY_MS } });
  });

  it('Keep Alive with a lifetime shorter than the window: one warning, then a refresh at every poll (each with the newest token), no more events', () => {
    const settings: Settings = { ...defaults, mode: 'stored', keepAlive: true };
    let n = 1;
    const token = (i: number, at: number) => fresh(i, { refresh_token_expires_in: 2 * 86400, expires_in: 3600, n8n_expires_at: at + 3600_000 });
    let snap = token(1, T0);
    const events: EventDraft[] = [];
    let last: Memory = {};
    for (let i = 0; i < 4; i++) {
      const at = T0 + i * 60_000;
      const r = poll(last, snap, at, settings, () => ({ outcome: { kind: 'ok' }, after: (snap = token(++n, at)) }));
      expect(r.request).toBe('refresh');
      events.push(...r.events);
      last = r.memory;
    }
    expect(events.map((e) => e.event)).toEqual(['refresh_token_expiring']);
  });

  it('Keep Alive interval: a new token once the interval has passed since the last one', () => {
    const settings: Settings = { ...defaults, mode: 'stored', keepAlive: true, keepAliveIntervalHours: 24 };
    let r = poll({}, fresh(1, { expires_in: 3600 }), T0, settings);
    expect(r.request).toBeUndefined();
    expect(poll(r.memory, fresh(1, { expires_in: 3600 }), T0 + 23 * HOUR_MS, settings).request).toBeUndefined();
    r = poll(r.memory, fresh(1, { expires_in: 3600 }), T0 + 24 * HOUR_MS, settings);
    expect(r).toMatchObject({ request: 'refresh', why: 'keep_alive' });
    expect(poll(r.memory, fresh(1, { expires_in: 3600 }), T0 + 25 * HOUR_MS, settings).request).toBeUndefined();
    expect(poll({}, fresh(1, { expires_in: 3600 }), T0 + 48 * HOUR_MS, { ...settings, keepAlive: false }).request).toBeUndefined();
  });

  it('a failed refresh (e.g. invalid_client): token_request_failed; retried when the credential changes or an hour later; recovered', () => {
    const settings: Settings = { ...defaults, mode: 'everyPoll' };
    let r = poll({}, fresh(1), T0, settings, () => ({ outcome: { kind: 'failed', error: { code: 'invalid_client', httpStatus: 401 } } }));
    expect(r.events).toEqual([expect.objectContaining({ event: 'token_request_failed', error: { code: 'invalid_client', httpStatus: 401 } })]);
    const whenExpired = { ...defaults };
    expect(poll(r.memory, fresh(1), T0 + 60_000, whenExpired).request).toBeUndefined();
    expect(poll(r.memory, fresh(1), T0 + RETRY_AFTER_MS, whenExpired).request).toBe('refresh');
    const edited = snapshotOf('deployteqOAuth2Api', deployteq({ access_token: 'AT1', refresh_token: 'RT1', expires_in: 60 }, { clientSecret: 'fixed' }), fp);
    r = poll(r.memory, edited, T0 + 120_000, whenExpired, () => ({ outcome: { kind: 'ok' }, after: edited }));
    expect(r).toMatchObject({ request: 'refresh', why: 'retry', events: [expect.objectContaining({ event: 'recovered', previousStatus: 'token_request_failed' })] });
  });

  it('transient failures (5xx, network) change nothing', () => {
    const settings: Settings = { ...defaults, mode: 'everyPoll' };
    let r = poll({}, fresh(1), T0, settings);
    r = poll(r.memory, fresh(1), T0 + 60_000, settings, () => ({ outcome: { kind: 'transient', error: { code: 'server_error', httpStatus: 503 } } }));
    expect(r).toMatchObject({ events: [], memory: { status: 'healthy' } });
  });
});

describe('client credentials and engine (preAuthentication) credentials', () => {
  it('oAuth2Api client credentials: a token when none is stored or it expired; a failure and its recovery', () => {
    const none = snapshotOf('zendeskChatOAuth2Api', { grantType: 'clientCredentials', clientSecret: 'x' }, fp);
    let r = poll({}, none, T0, defaults, () => ({ outcome: { kind: 'failed', error: { code: 'invalid_client' } } }));
    expect(r).toMatchObject({ request: 'token', events: [expect.objectContaining({ event: 'token_request_failed' })] });
    const stored = snapshotOf('zendeskChatOAuth2Api', { grantType: 'clientCredentials', clientSecret: 'y', oauthTokenData: { access_token: 'A', expires_in: 3600, n8n_expires_at: T0 + 3600_000 } }, fp);
    r = poll(r.memory, stored, T0 + 60_000, defaults, () => ({ outcome: { kind: 'ok' }, after: stored }));
    expect(r.events).toEqual([expect.objectContaining({ event: 'recovered' })]);
    expect(poll(r.memory, stored, T0 + 120_000).request).toBeUndefined();
    expect(poll(r.memory, stored, T0 + 3601_000).request).toBe('token');
  });

  it('engine credential, When Expired: its grant while the stored token is empty, then not again while the checked token would still be valid', () => {
    const empty = snapshotOf('advancedOAuth2Api', { clientSecret: 's', accessToken: '', tokenExpiresAt: 0 }, fp);
    let r = poll({}, empty, T0, defaults, () => ({ outcome: { kind: 'ok', validUntil: T0 + 600_000 } }));
    expect(r).toMatchObject({ request: 'grant', events: [], memory: { verifiedUntil: T0 + 600_000 } });
    expect(poll(r.memory, empty, T0 + 300_000).request).toBeUndefined();
    expect(poll(r.memory, empty, T0 + 600_000).request).toBe('grant');
    const usable = snapshotOf('advancedOAuth2Api', { clientSecret: 's', accessToken: 'A', tokenExpiresAt: T0 + DAY_MS }, fp);
    expect(poll({}, usable, T0).request).toBeUndefined();
    // no lifetime from the server: an hour
    r = poll({}, empty, T0, defaults, () => ({ outcome: { kind: 'ok' } }));
    expect(r.memory.verifiedUntil).toBe(T0 + HOUR_MS);
  });

  it('engine credential: a refused grant is token_request_failed (never reconnect_needed), then recovered after the secret is fixed', () => {
    const wrong = snapshotOf('advancedOAuth2Api', { clientSecret: 'wrong', accessToken: '' }, fp);
    let r = poll({}, wrong, T0, defaults, () => ({ outcome: { kind: 'failed', error: { code: 'invalid_client', httpStatus: 401 } } }));
    expect(r.events).toEqual([expect.objectContaining({ event: 'token_request_failed', status: 'token_request_failed' })]);
    expect(poll(r.memory, wrong, T0 + 60_000).events).toEqual([]);
    expect(poll(r.memory, wrong, T0 + 60_000).request).toBeUndefined();
    const fixed = snapshotOf('advancedOAuth2Api', { clientSecret: 'right', accessToken: '' }, fp);
    r = poll(r.memory, fixed, T0 + 120_000);
    expect(r).toMatchObject({ request: 'grant', why: 'retry', events: [expect.objectContaining({ event: 'recovered' })] });
  });
});

describe('messages and error classification', () => {
  it('messages hold fixed texts, safe codes and dates only', () => {
    expect(safeCode('invalid_client')).toBe('invalid_client');
    expect(safeCode('token AT-secret leaked')).toBe('unrecognised_error');
    const text = messageOf({ event: 'token_request_failed', status: 'token_request_failed', reason: 'token_request_failed', error: { code: 'Bearer abc def', httpStatus: 401 } }, defaults, T0);
    expect(text).toBe("The token request failed (unrecognised_error, HTTP 401). Check the credential's client ID and secret, user name and password, and token URL.");
    expect(messageOf({ event: 'refresh_token_expiring', status: 'refresh_token_expiring', reason: 'refresh_token_expiring', refreshTokenExpiresAt: T0 + 2.5 * DAY_MS }, defaults, T0)).toMatch(
      /expires on 2026-01-03T12:00:00.000Z \(in 2.5 days\).*turn on Keep Alive/,
    );
    expect(messageOf({ event: 'reconnect_needed', status: 'reconnect_needed', reason: 'refresh_token_refused', error: { code: 'invalid_grant', httpStatus: 400 } }, defaults, T0)).toMatch(/refused the refresh token \(invalid_grant, HTTP 400\).*reconnect/);
    expect(messageOf({ event: 'recovered', status: 'healthy', previousStatus: 'reconnect_needed', reason: 'refresh_token_refused' }, defaults, T0)).toBe('The credential works again (it was: reconnect needed).');
  });

  it("n8n's refresh errors: a refused grant, no refresh token, other OAuth errors, HTTP and network failures", () => {
    const reconnect = Object.assign(new Error('The credential "x" needs to be reconnected.'), { failure: { cause: 'credential-invalid' } });
    expect(classifyN8nError(reconnect, 'refresh')).toEqual({ kind: 'refused', error: { code: 'invalid_grant' } });
    expect(classifyN8nError(new Error('OAuth access token expired and no refresh token is available. Please reconnect the credentials.'), 'refresh').kind).toBe('refused');
    const authError = (error: string) => Object.assign(new Error('x'), { code: 'EAUTH', body: { error, error_description: 'secret text' } });
    // issue #16: the engine's classification: invalid_client refuses a refresh token, fails a client-credentials fetch
    expect(classifyN8nError(authError('invalid_client'), 'refresh')).toEqual({ kind: 'refused', error: { code: 'invalid_client' } });
    expect(classifyN8nError(authError('invalid_client'), 'token')).toEqual({ kind: 'failed', error: { code: 'invalid_client' } });
    expect(classifyN8nError(authError('invalid_request'), 'refresh').kind).toBe('refused');
    expect(classifyN8nError(authError('invalid_request'), 'token').kind).toBe('failed');
    expect(classifyN8nError(authError('temporarily_unavailable'), 'refresh').kind).toBe('transient');
    expect(classifyN8nError(Object.assign(new Error('HTTP status 400'), { status: 400, code: 'ESTATUS' }), 'token')).toEqual({ kind: 'failed', error: { code: 'http_error', httpStatus: 400 } });
    expect(classifyN8nError(Object.assign(new Error('x'), { response: { status: 503 } }), 'refresh').kind).toBe('transient');
    expect(classifyN8nError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'refresh')).toEqual({ kind: 'transient', error: { code: 'network_error' } });
  });

  it('issue #15 item 3: a server whose error code is a token or secret: the kept and shown code is generic', () => {
    const leaked = 'rt-Zx81_refresh.token:value';
    expect(classifyEngineError(new OAuth2Error({ code: leaked, status: 400, phase: 'token' }), 'client_credentials')).toEqual({ kind: 'failed', error: { code: 'unrecognised_error', httpStatus: 400 } });
    const authError = Object.assign(new Error('x'), { code: 'EAUTH', body: { error: leaked } });
    expect(JSON.stringify(classifyN8nError(authError, 'refresh'))).not.toContain(leaked);
    expect(messageOf({ event: 'token_request_failed', status: 'token_request_failed', reason: 'token_request_failed', error: { code: leaked, httpStatus: 400 } }, defaults, T0)).not.toContain(leaked);
  });

  it('engine errors: definite failures and transient ones', () => {
    expect(classifyEngineError(new OAuth2Error({ code: 'invalid_client', status: 401, phase: 'token' }), 'client_credentials')).toEqual({ kind: 'failed', error: { code: 'invalid_client', httpStatus: 401 } });
    expect(classifyEngineError(new OAuth2TransportError({ code: 'network_error', phase: 'token' }), 'password').kind).toBe('transient');
    expect(classifyEngineError(new OAuth2Error({ code: 'http_error', status: 502, phase: 'token' }), 'password').kind).toBe('transient');
    expect(classifyEngineError(new TypeError('Unknown client authentication "x"'), 'client_credentials')).toEqual({ kind: 'failed', error: { code: 'config_error' } });
  });

  it('auto client authentication: the learned method, else one untried candidate per poll', () => {
    const client = { clientId: 'c', clientSecret: 'a+b', method: 'auto' as const };
    const config = { tokenUrl: 'https://x/token', client };
    expect(pickClientAuth(config, undefined).method).toBe('basic');
    expect(pickClientAuth(config, undefined, ['basic']).method).toBe('basic-raw');
    expect(pickClientAuth(config, undefined, ['basic', 'basic-raw']).method).toBe('body');
    expect(pickClientAuth(config, 'body').method).toBe('body');
    expect(pickClientAuth({ ...config, client: { ...client, method: 'basic-raw' as const } }, 'body').method).toBe('basic-raw');
  });
});
