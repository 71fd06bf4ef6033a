import type { ICredentialDataDecryptedObject, IHttpRequestHelper, IPollFunctions } from 'n8n-workflow';

import { advancedEngineSetup, learnedClientAuth } from '../../hosts/n8n/advanced-config';
import type { EngineGrant } from '../../hosts/n8n/engine-token';
import { N8N_HOST } from '../../hosts/n8n/host';
import { isN8nTimeout, n8nTransport } from '../../hosts/n8n/transport';
import { zendeskChatPasswordSetup } from '../../hosts/n8n/zendesk-chat-fields';
import type { N8nPreAuthCredential } from '../../lib/providers/registry';
import { clientAuthCandidates } from '../../lib/oauth2/client-auth';
import { OAuth2Error } from '../../lib/oauth2/errors';
import { classifyFailure, failureFactsOf, GRANT, type FailureFacts } from '../../lib/oauth2/failure';
import { clientCredentialsGrant, passwordGrant } from '../../lib/oauth2/grants';
import { Redactor } from '../../lib/oauth2/redact';
import { isClientAuthFailure, type TokenRequestContext } from '../../lib/oauth2/token-request';
import type { ConcreteClientAuthMethod, OAuth2Config } from '../../lib/oauth2/types';
import type { ErrorInfo, Memory, Outcome, TokenRequestKind } from './health';
import { safeCode } from './health';
import type { WatchedCredential } from './snapshot';

function numberOf(value: unknown): number | undefined {
	const n = typeof value === 'string' ? Number(value) : value;
	return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function info(code: unknown, status?: number): ErrorInfo {
	const safe = safeCode(code);
	return { ...(safe ? { code: safe } : {}), ...(status !== undefined ? { httpStatus: status } : {}) };
}

/** The grant a check's token request ran: n8n's refresh, n8n's client-credentials fetch, or the engine credential's own grant. */
function grantOf(request: TokenRequestKind, grant?: EngineGrant): string {
	if (request === 'refresh') return GRANT.refreshToken;
	if (request === 'token') return GRANT.clientCredentials;
	return grant?.type ?? GRANT.clientCredentials;
}

/** The engine's verdict as the trigger's outcome: a configuration failure is a failed check naming the settings. */
function outcomeOf(facts: FailureFacts, grantType: string): Outcome {
	const verdict = classifyFailure(facts, grantType);
	if (verdict === 'configuration') return { kind: 'failed', error: info('config_error') };
	return { kind: verdict, error: info(facts.code, facts.status) };
}

/**
 * What a failed n8n refresh or client-credentials fetch (`helpers.refreshOAuth2Token`) says, in the
 * engine's terms. n8n 2.41 throws: "needs to be reconnected" (`failure.cause: 'credential-invalid'`)
 * for `invalid_grant`; a plain Error when there is no refresh token; "OAuth credentials not
 * connected"; the OAuth2 client's AuthError (`body.error`) for other OAuth errors; ResponseError
 * (`status`) for other 3xx/4xx; axios errors for 5xx and network failures.
 */
export function n8nFailureFacts(error: unknown): FailureFacts {
	const e = (error ?? {}) as { message?: unknown; failure?: { cause?: unknown }; body?: unknown; status?: unknown; response?: { status?: unknown }; httpCode?: unknown; code?: unknown };
	const message = typeof e.message === 'string' ? e.message : String(error);
	if (e.failure?.cause === 'credential-invalid' || /needs to be reconnected/i.test(message)) return { code: 'invalid_grant' };
	if (/no refresh token is available|credentials not connected/i.test(message)) return { code: 'reauthorization_required' };
	const status = numberOf(e.status) ?? numberOf(e.response?.status) ?? numberOf(e.httpCode);
	const body = e.body && typeof e.body === 'object' ? (e.body as { error?: unknown }) : undefined;
	if (typeof body?.error === 'string' && body.error) return { code: body.error, status };
	if (status !== undefined) return { code: 'http_error', status };
	// a transport's own code (ECONNREFUSED, ETIMEDOUT…) is shown as the engine's word for it
	return { code: isN8nTimeout(error) ? 'timeout' : 'network_error', noAnswer: true };
}

/** What a failed n8n refresh or client-credentials fetch means: the engine's classification of its facts. */
export function classifyN8nError(error: unknown, request: TokenRequestKind): Outcome {
	return outcomeOf(n8nFailureFacts(error), grantOf(request));
}

/** What a failed engine grant means (the engine's classification); an error of another kind is the credential's settings. */
export function classifyEngineError(error: unknown, grantType: string): Outcome {
	if (!(error instanceof OAuth2Error)) return { kind: 'failed', error: info('config_error') };
	return outcomeOf(failureFactsOf(error), grantType);
}

type EngineSetup = (data: ICredentialDataDecryptedObject) => { config: OAuth2Config; grant: EngineGrant };

/** Each engine (preAuthentication) credential of the registry: its setup, the one its `preAuthentication` uses. */
const ENGINE_SETUPS: Record<N8nPreAuthCredential, EngineSetup> = {
	advancedOAuth2Api: advancedEngineSetup,
	zendeskChatPasswordOAuth2Api: zendeskChatPasswordSetup,
};

/** The engine configuration and grant of an engine (preAuthentication) credential, as its `preAuthentication` builds them. */
export function engineSetup(type: WatchedCredential, data: ICredentialDataDecryptedObject): { config: OAuth2Config; grant: EngineGrant } {
	const setup = (ENGINE_SETUPS as Partial<Record<WatchedCredential, EngineSetup>>)[type];
	if (!setup) throw new TypeError(`${type} is not an engine (preAuthentication) credential`);
	return setup(data);
}

/**
 * The one client authentication method this poll uses: the configured one, or for `auto` the method
 * the credential (or an earlier check) settled on, else the next candidate not refused yet, so a
 * search costs one token request per poll.
 */
export function pickClientAuth(config: OAuth2Config, learned: string | undefined, tried: readonly string[] = []): { method: ConcreteClientAuthMethod; candidates: ConcreteClientAuthMethod[] } {
	const candidates = clientAuthCandidates(config.client);
	if ((config.client.method ?? 'auto') !== 'auto') return { method: candidates[0], candidates };
	const known = candidates.find((m) => m === learned);
	if (known) return { method: known, candidates };
	return { method: candidates.find((m) => !tried.includes(m)) ?? candidates[0], candidates };
}

export interface TokenCheckResult {
	outcome: Outcome;
	/** New `auto` client authentication memory (engine credentials). */
	clientAuth?: Memory['clientAuth'];
}

/**
 * One token request for the check, never more:
 * - `refresh` / `token` (oAuth2Api children): n8n's `helpers.refreshOAuth2Token`, which refreshes
 *   (or fetches a client-credentials token) under n8n's per-credential lock and saves the result;
 * - `grant` (preAuthentication credentials): the credential's own grant (client credentials or
 *   password, never its stored refresh token, which would rotate without being saved) through the
 *   engine over n8n's HTTP client, with no retries and one client authentication method. The
 *   tokens are dropped: n8n saves the credential's tokens only from its own preAuthentication.
 */
export async function runTokenCheck(context: IPollFunctions, type: WatchedCredential, request: TokenRequestKind, data: ICredentialDataDecryptedObject, memory: Memory): Promise<TokenCheckResult> {
	if (request !== 'grant') {
		try {
			await context.helpers.refreshOAuth2Token.call(context, type);
			return { outcome: { kind: 'ok' } };
		} catch (error) {
			return { outcome: classifyN8nError(error, request) };
		}
	}
	let setup: { config: OAuth2Config; grant: EngineGrant };
	try {
		setup = engineSetup(type, data);
	} catch (error) {
		return { outcome: classifyEngineError(error, grantOf(request)) };
	}
	const grantType = grantOf(request, setup.grant);
	const learned = type === 'advancedOAuth2Api' ? (learnedClientAuth(data) ?? memory.clientAuth?.learned) : undefined;
	const { method, candidates } = pickClientAuth(setup.config, learned, memory.clientAuth?.tried);
	const auto = (setup.config.client.method ?? 'auto') === 'auto';
	const redactor = new Redactor();
	const ctx: TokenRequestContext = {
		config: { ...setup.config, client: { ...setup.config.client, method }, retry: { maxRetries: 0 }, discovery: false },
		transport: n8nTransport({ helpers: context.helpers } as unknown as IHttpRequestHelper),
		host: N8N_HOST,
		redactor,
	};
	try {
		const tokens = setup.grant.type === 'password' ? await passwordGrant(ctx, setup.grant.username, setup.grant.password) : await clientCredentialsGrant(ctx);
		return { outcome: { kind: 'ok', validUntil: tokens.expiresAt }, ...(auto ? { clientAuth: { learned: method } } : {}) };
	} catch (error) {
		if (auto && learned !== method && isClientAuthFailure(error)) {
			const tried = [...(memory.clientAuth?.tried ?? []), method];
			// refused with this method: the next poll tries the next one; refused with all: the request failed
			if (candidates.some((m) => !tried.includes(m))) return { outcome: { kind: 'transient', error: info('invalid_client') }, clientAuth: { tried } };
			return { outcome: classifyEngineError(error, grantType), clientAuth: {} };
		}
		return { outcome: classifyEngineError(error, grantType) };
	}
}
