/**
 * The device authorization grant (RFC 8628), for runtimes without a browser or a redirect URI the
 * provider accepts (a headless Node-RED, a LAN address): the client asks for a device code and a
 * user code (§3.1–3.2), the user enters the code at the verification URI, and the client polls the
 * token endpoint (§3.4–3.5) at `interval`, 5 s slower after each `slow_down`, waiting while
 * `authorization_pending`, and stops at `expires_in`. The device code is a secret: redacted, never
 * returned; the user code and the verification URIs are meant to be shown.
 */
import { postToEndpoint } from './endpoint-post';
import { OAuth2Error } from './errors';
import { GRANT } from './failure';
import { hostOf } from './host';
import { requestToken, scopeParam, type TokenRequestContext } from './token-request';
import type { TokenSet } from './types';

/** What the user is shown; the device code stays with the poller. */
export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Epoch ms after which the codes are dead. */
  expiresAt: number;
  /** Seconds between polls. */
  interval: number;
}

/** The longest a device authorization is waited for, whatever the server says. */
const MAX_LIFETIME_S = 1800;

function invalid(description: string): OAuth2Error {
  return new OAuth2Error({ code: 'invalid_response', phase: 'authorize', description });
}

/** A verification URI to show and open: http(s) only. */
function shownUri(value: unknown, what: string): string {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) throw invalid(`the device authorization answer has no usable ${what}`);
  return new URL(value).toString();
}

/** RFC 8628 §3.2: reads the device authorization response. */
export function parseDeviceAuthorization(answer: Record<string, unknown>, now: number): DeviceAuthorization {
  if (typeof answer.device_code !== 'string' || !answer.device_code || typeof answer.user_code !== 'string' || !answer.user_code) {
    throw invalid('the device authorization answer has no device_code or user_code');
  }
  const expiresIn = Number(answer.expires_in);
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) throw invalid('the device authorization answer has no expires_in');
  const interval = Number(answer.interval ?? 5);
  return {
    deviceCode: answer.device_code,
    userCode: answer.user_code.slice(0, 64),
    verificationUri: shownUri(answer.verification_uri ?? answer.verification_url, 'verification_uri'),
    verificationUriComplete: answer.verification_uri_complete === undefined ? undefined : shownUri(answer.verification_uri_complete, 'verification_uri_complete'),
    expiresAt: now + Math.min(expiresIn, MAX_LIFETIME_S) * 1000,
    interval: Number.isFinite(interval) && interval >= 1 ? Math.min(interval, 60) : 5,
  };
}

/** RFC 8628 §3.1: asks the device authorization endpoint for the codes (client authenticated as for the token endpoint). */
export async function startDeviceAuthorization(ctx: TokenRequestContext, endpoint: string): Promise<DeviceAuthorization> {
  const { config } = ctx;
  const params: Record<string, string> = { ...(config.resource ? { resource: config.resource } : {}), ...scopeParam(config) };
  const answer = await postToEndpoint(ctx, endpoint, 'The device authorization URL', params, 'authorize');
  if (typeof answer.device_code === 'string') ctx.redactor?.add(answer.device_code);
  return parseDeviceAuthorization(answer, (ctx.now ?? Date.now)());
}

/**
 * RFC 8628 §3.4–3.5: polls until the user approved (tokens), denied, or the codes expired; `signal`
 * ends it early. Waits `interval` before each poll, 5 s more after each `slow_down`.
 */
export async function pollDeviceToken(ctx: TokenRequestContext, device: DeviceAuthorization, signal?: AbortSignal): Promise<TokenSet> {
  const now = ctx.now ?? Date.now;
  const sleep = ctx.sleep ?? hostOf(ctx.host).sleep;
  let interval = device.interval;
  for (let polls = 0; polls < 1000; polls++) {
    if (now() + interval * 1000 > device.expiresAt) break;
    await sleep(interval * 1000);
    if (signal?.aborted) throw new OAuth2Error({ code: 'access_denied', phase: 'authorize', description: 'the device authorization was cancelled' });
    try {
      return await requestToken({ ...ctx, signal }, GRANT.deviceCode, { device_code: device.deviceCode });
    } catch (error) {
      if (!(error instanceof OAuth2Error)) throw error;
      if (error.code === 'slow_down') interval += 5;
      else if (error.code !== 'authorization_pending') throw error;
    }
  }
  throw new OAuth2Error({ code: 'expired_token', phase: 'authorize', description: 'the user code expired before it was entered', hint: 'Start the device authorization again and enter the code in time.' });
}
