// Issue #15, the pure parts: which failure codes may be shown (item 3), the keep-alive floor
// (item 4), capped lifetimes and safe dates (item 5), and the one list of endpoints that binds
// stored secrets and tokens (items 1 and 2).
import { publicCode, GENERIC_CODE, isKnownCode } from '../../lib/oauth2/failure';
import { ENDPOINT_SETTINGS, endpointsOf as engineEndpoints } from '../../lib/oauth2/endpoints';
import { MAX_LIFETIME_SEC, normaliseTokenResponse, parseExpiresIn } from '../../lib/oauth2/token-response';
import { durationText, isoDate } from '../../lib/oauth2/time';
import { buildConfig, endpointsOf, holds } from '../../hosts/node-red/builders';
import { KEEP_ALIVE_FLOOR_MS, keepAliveFloorMs, keepAlivePlan } from '../../hosts/node-red/keep-alive';

describe('failure codes (item 3)', () => {
  it('registered OAuth codes and the engine\'s own pass; anything else is generic', () => {
    for (const code of ['invalid_grant', 'invalid_client', 'unsupported_token_type', 'authorization_pending', 'slow_down', 'invalid_dpop_proof', 'network_error', 'metadata_unreachable']) expect(publicCode(code)).toBe(code);
    for (const code of ['rt-9f8e7d6c5b4a', 'gen-secret', 'Bearer abc', '__proto__', 'constructor', 'toString', 'INVALID_GRANT']) expect(publicCode(code)).toBe(GENERIC_CODE);
    expect(publicCode(undefined)).toBeUndefined();
    expect(publicCode('')).toBeUndefined();
    expect(isKnownCode({})).toBe(false);
  });
});

describe('keep-alive floor (item 4)', () => {
  const T = 1_700_000_000_000;
  const tokens = (life: number | undefined) => ({ accessToken: 'a', tokenType: 'Bearer', refreshToken: 'r', obtainedAt: T, refreshExpiresAt: life === undefined ? undefined : T + life });

  it('a refresh token that expires within the floor is not planned for, and is reported', () => {
    expect(keepAlivePlan(tokens(1000), undefined)).toEqual({ due: undefined, shortLived: 1000 });
    expect(keepAlivePlan(tokens(1), undefined)).toEqual({ due: undefined, shortLived: 1 });
  });

  it('an interval below the floor waits for the floor; a long life refreshes a fifth (at most a day) ahead', () => {
    expect(keepAlivePlan(tokens(undefined), 360)).toEqual({ due: T + KEEP_ALIVE_FLOOR_MS, shortLived: undefined });
    expect(keepAlivePlan(tokens(10 * 86_400_000), undefined).due).toBe(T + 9 * 86_400_000);
    expect(keepAlivePlan(tokens(10 * 60_000), undefined).due).toBe(T + 8 * 60_000);
    expect(keepAlivePlan(tokens(6 * 60_000), undefined).due).toBe(T + KEEP_ALIVE_FLOOR_MS);
  });

  it('the floor is minutes unless settings.js lowers it, never below a second', () => {
    expect(KEEP_ALIVE_FLOOR_MS).toBe(300_000);
    expect(keepAliveFloorMs({})).toBe(300_000);
    expect(keepAliveFloorMs({ oauth2Connectors: { keepAliveFloorSec: 2 } })).toBe(2000);
    expect(keepAliveFloorMs({ oauth2Connectors: { keepAliveFloorSec: 0.001 } })).toBe(300_000);
    expect(keepAliveFloorMs({ oauth2Connectors: { keepAliveFloorSec: 'x' } })).toBe(300_000);
  });
});

describe('lifetimes and dates (item 5)', () => {
  it('a lifetime is capped at 10 years, whatever its spelling', () => {
    for (const value of [1e308, '1e308', 1e13, 'Infinity']) expect(parseExpiresIn(value) ?? MAX_LIFETIME_SEC).toBe(MAX_LIFETIME_SEC);
    expect(parseExpiresIn(3600)).toBe(3600);
  });

  it('a token answer with huge lifetimes gives valid dates', () => {
    const body = Buffer.from('{"access_token":"a","expires_in":1e308,"refresh_token":"r","refresh_token_expires_in":"1e308"}');
    const t = normaliseTokenResponse({ status: 200, headers: { 'content-type': 'application/json' }, body }, { phase: 'token', now: 0 });
    expect(t.expiresAt).toBe(MAX_LIFETIME_SEC * 1000);
    expect(isoDate(t.refreshExpiresAt)).toBe(new Date(MAX_LIFETIME_SEC * 1000).toISOString());
  });

  it('isoDate never throws; durations read right', () => {
    for (const bad of [Infinity, -Infinity, NaN, null, undefined, 1e16, '2026-01-01']) expect(isoDate(bad)).toBeUndefined();
    expect(isoDate(0)).toBe('1970-01-01T00:00:00.000Z');
    expect([1, 999, 1000, 59_000, 90_000, 3_600_000, 5 * 3_600_000, 86_400_000, 3 * 86_400_000].map(durationText)).toEqual([
      '1 second', '1 second', '1 second', '59 seconds', '2 minutes', '1 hour', '5 hours', '1 day', '3 days',
    ]);
  });
});

describe('one list of endpoints (items 1 and 2)', () => {
  const generic = { clientId: 'c1', tokenUrl: 'https://as.example.com/token', grantType: 'authorization_code' };

  it('lists every URL setting of the engine, the revocation URL and metadata included', () => {
    expect(ENDPOINT_SETTINGS).toEqual(['authorizationUrl', 'tokenUrl', 'refreshUrl', 'revocationUrl', 'deviceAuthorizationUrl', 'pushedAuthorizationRequestUrl', 'discovery', 'issuer']);
    expect(engineEndpoints({ client: { clientId: 'c' }, tokenUrl: 't', discovery: true })).toMatchObject({ tokenUrl: 't', discovery: '' });
  });

  it('every endpoint changes the fingerprint and the endpoint list; the legacy fingerprint is the released one', () => {
    const base = buildConfig('oauth2-client', generic, {});
    for (const [key, value] of [['revocationUrl', 'https://as.example.com/revoke'], ['refreshUrl', 'https://as.example.com/r'], ['authorizationUrl', 'https://as.example.com/a'], ['issuer', 'https://as.example.com'], ['allowHttpHosts', 'x.example']]) {
      const changed = buildConfig('oauth2-client', { ...generic, [key]: value }, {});
      expect([key, endpointsOf(changed)]).not.toEqual([key, endpointsOf(base)]);
      if (key !== 'allowHttpHosts') expect([key, changed.fingerprint]).not.toEqual([key, base.fingerprint]);
      expect(changed.legacyFingerprint).toBe(base.legacyFingerprint);
    }
    // the fingerprints the released versions stored (computed with the release's builders)
    const s = { ...generic, authBaseUrl: 'https://auth.example.com', subdomain: 'acme' };
    expect(buildConfig('deployteq-oauth2', s, { clientSecret: 'x' }).legacyFingerprint).toBe('be3bca4302f1c83baeb0f96904884e9d');
    expect(buildConfig('zendesk-chat-oauth2', s, { clientSecret: 'x' }).legacyFingerprint).toBe('d2f72ad4c3eb27db15ef469b9c2c654d');
    expect(buildConfig('oauth2-client', s, { clientSecret: 'x' }).legacyFingerprint).toBe('163d7596bc025b143effdc555691e756');
    expect(buildConfig('oauth2-client', s, { clientSecret: 'x', refreshToken: 'seed' }).legacyFingerprint).toBe('7cd107510ea3fb46dd9e0d2b06ce9bfd');
  });

  it('a stored entry is held by its configuration; the legacy form only where allowed', () => {
    const built = buildConfig('oauth2-client', generic, {});
    expect(holds({ fingerprint: built.fingerprint }, built)).toBe(true);
    expect(holds({ fingerprint: built.legacyFingerprint }, built)).toBe(true);
    expect(holds({ fingerprint: built.legacyFingerprint }, built, false)).toBe(false);
    expect(holds({ fingerprint: 'other' }, built)).toBe(false);
    expect(holds(undefined, built)).toBe(false);
  });
});

describe('stored tokens stay bound across releases', () => {
  it('a configuration without the endpoints added since has the released fingerprint (its stored tokens are still found)', () => {
    // computed by the release before the device authorization URL joined the endpoint list (cee7e4c)
    const generic = buildConfig('oauth2-client', { clientId: 'c1', tokenUrl: 'https://as.example.com/token', authorizationUrl: 'https://as.example.com/authorize', grantType: 'authorization_code' }, {});
    const deployteq = buildConfig('deployteq-oauth2', { clientId: 'dt', grantType: 'authorization_code' }, { clientSecret: 'x' });
    expect([generic.fingerprint, deployteq.fingerprint]).toEqual(['c0ad40a55d7575a6d1b05900d1dcf6ac', '739cd372a06f30214bfa2ffc80b7f97f']);
    // a device authorization URL that is set is part of it
    const device = buildConfig('oauth2-client', { clientId: 'c1', tokenUrl: 'https://as.example.com/token', deviceAuthorizationUrl: 'https://as.example.com/device', grantType: 'device_code' }, {});
    const other = buildConfig('oauth2-client', { clientId: 'c1', tokenUrl: 'https://as.example.com/token', deviceAuthorizationUrl: 'https://as.example.com/device2', grantType: 'device_code' }, {});
    expect(device.fingerprint).not.toBe(other.fingerprint);
  });
});
