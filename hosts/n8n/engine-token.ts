import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import { OAuth2Error } from '../../lib/oauth2/errors';
import { clientCredentialsGrant, jwtBearerGrant, passwordGrant, tokenExchangeGrant, type TokenExchange } from '../../lib/oauth2/grants';
import type { JwtBearerAssertion } from '../../lib/oauth2/jwt';
import { Redactor } from '../../lib/oauth2/redact';
import type { TokenRequestContext } from '../../lib/oauth2/token-request';
import type { ConcreteClientAuthMethod, OAuth2Config, TokenSet } from '../../lib/oauth2/types';
import { N8N_HOST } from './host';
import { n8nTransport } from './transport';
import { sharedGrant, tokenForCall } from './single-flight';
import { dpopSignerFor } from '../../lib/oauth2/dpop';

export type EngineGrant =
	| { type: 'client_credentials' }
	| { type: 'password'; username: string; password: string }
	| { type: 'jwt_bearer'; assertion: JwtBearerAssertion }
	| { type: 'token_exchange'; exchange: TokenExchange };

export interface FetchTokenOptions {
	/** The client authentication `auto` settled on earlier: tried first, no search. */
	learnedClientAuth?: ConcreteClientAuthMethod;
	/** The access token n8n holds for the credential now (the one it is replacing). */
	presentedToken?: string;
}

/**
 * Gets a token set for a `preAuthentication` with the credential's own grant (password or client
 * credentials), over n8n's HTTP client. A refresh token is never used, even one saved earlier: a
 * rotating refresh token used twice would be reuse, and the server would revoke the grant under
 * everyone. With `auto` client authentication the method that worked is on the result
 * (`clientAuthMethod`). Errors are the engine's `OAuth2Error`s, whose messages never contain
 * secrets or tokens.
 *
 * One token request per token lifetime in this process: parallel calls share the grant, and its
 * token goes to the calls that follow (`single-flight.ts`).
 */
export async function fetchTokenSet(helper: IHttpRequestHelper, config: OAuth2Config, grant: EngineGrant, options: FetchTokenOptions = {}): Promise<TokenSet> {
	return await sharedGrant(grantSettings(config, grant), options.presentedToken, () => grantTokenSet(helper, config, grant, options));
}

/** What calls share a grant by: the configuration and the grant, secrets included (single-flight.ts keeps only a hash). */
function grantSettings(config: OAuth2Config, grant: EngineGrant): string {
	return JSON.stringify([config, grant]);
}

async function grantTokenSet(helper: IHttpRequestHelper, config: OAuth2Config, grant: EngineGrant, options: FetchTokenOptions): Promise<TokenSet> {
	const redactor = new Redactor();
	redactor.pin(config.client.clientSecret, config.client.privateKey, config.dpopKey, grant.type === 'password' ? grant.password : undefined, grant.type === 'jwt_bearer' ? grant.assertion.signing.key : undefined, grant.type === 'token_exchange' && typeof grant.exchange.subjectToken === 'string' ? grant.exchange.subjectToken : undefined);
	const ctx: TokenRequestContext = {
		config,
		transport: n8nTransport(helper),
		host: N8N_HOST,
		redactor,
		clientAuth: { learned: options.learnedClientAuth },
	};
	try {
		if (grant.type === 'password') return await passwordGrant(ctx, grant.username, grant.password);
		if (grant.type === 'jwt_bearer') return await jwtBearerGrant(ctx, grant.assertion);
		if (grant.type === 'token_exchange') return await tokenExchangeGrant(ctx, grant.exchange);
		return await clientCredentialsGrant(ctx);
	} catch (error) {
		throw error instanceof OAuth2Error ? new CredentialTokenError(error) : error;
	}
}

/**
 * What a failed token fetch throws out of `preAuthentication`: the engine error's full message
 * (secret-free, with the code, HTTP status and a hint). It has no `code` property on purpose: n8n's
 * credential test shows a thrown error's `code` instead of its message when there is one, which
 * would reduce "Test" in the credential dialog to a bare "invalid_client".
 */
export class CredentialTokenError extends Error {
	readonly oauth2Code: string;

	readonly httpStatus?: number;

	readonly hint?: string;

	constructor(error: OAuth2Error) {
		super(error.message);
		this.name = 'OAuth2Error';
		this.oauth2Code = error.code;
		this.httpStatus = error.status;
		this.hint = error.hint;
	}
}

/**
 * What a `preAuthentication` returns: the expirable `accessToken` and the expiry (epoch ms, 0 when
 * unknown) that n8n saves with the credential. The refresh token is not kept (it is never used, see
 * `fetchTokenSet`); an empty value clears one an earlier version saved.
 */
export function tokenFields(tokens: TokenSet): IDataObject {
	return {
		accessToken: tokens.accessToken,
		refreshToken: '',
		tokenExpiresAt: tokens.expiresAt ?? 0,
		tokenType: tokens.tokenType,
	};
}

/** The hidden properties a `preAuthentication` credential keeps its token state in. */
export const TOKEN_STATE_PROPERTIES = [
	{
		displayName: 'Access Token',
		name: 'accessToken',
		type: 'hidden' as const,
		typeOptions: { expirable: true, password: true },
		default: '',
	},
	{
		// not used since tokens come from the grant every time; kept so an older saved one is cleared
		displayName: 'Refresh Token',
		name: 'refreshToken',
		type: 'hidden' as const,
		typeOptions: { password: true },
		default: '',
	},
	{
		displayName: 'Token Expires At',
		name: 'tokenExpiresAt',
		type: 'hidden' as const,
		default: 0,
	},
	{
		displayName: 'Token Type',
		name: 'tokenType',
		type: 'hidden' as const,
		default: '',
	},
];

/** The request's absolute URL (n8n may give a base URL and a path), or undefined. */
function absoluteUrl(options: IHttpRequestOptions): string | undefined {
	try {
		return new URL(options.url, options.baseURL).toString();
	} catch {
		return undefined;
	}
}

/** What a call sends instead of a token it knows is expired: the server answers 401, and n8n runs `preAuthentication`. */
export const EXPIRED_MARKER = 'expired';

/** Where a credential puts its token: the header's name and the prefix before the token (empty: the bare token). */
export interface TokenHeader {
	name: string;
	prefix: string;
}

/**
 * n8n's function `authenticate` of the `preAuthentication` credentials, run before every call: the
 * token header with the token this process says the call should send (`tokenForCall`: the current
 * one for a holder of a replaced token; after the stored expiry, the new grant's, so one call per
 * process spends a 401 on the marker instead of every call).
 */
export function engineTokenAuthenticate(
	setupOf: (credentials: ICredentialDataDecryptedObject) => { config: OAuth2Config; grant: EngineGrant },
	headerOf: (credentials: ICredentialDataDecryptedObject) => TokenHeader,
): (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) => Promise<IHttpRequestOptions> {
	return async (credentials, requestOptions) => {
		const held = typeof credentials.accessToken === 'string' && credentials.accessToken ? credentials.accessToken : undefined;
		const expiresAt = Number(credentials.tokenExpiresAt) || undefined;
		let token: string | undefined;
		let dpopKey: string | undefined;
		try {
			const { config, grant } = setupOf(credentials);
			dpopKey = config.dpopKey;
			token = await tokenForCall(grantSettings(config, grant), held, expiresAt);
		} catch {
			// settings that make no configuration: preAuthentication reports why
			token = expiresAt && expiresAt <= Date.now() ? undefined : held;
		}
		const headers: IDataObject = { ...(requestOptions.headers ?? {}) };
		const { name, prefix } = headerOf(credentials);
		// a DPoP-bound token (RFC 9449) goes with the DPoP scheme and a proof of this request, ath its hash
		const bound = !!token && !!dpopKey && credentials.tokenType === 'DPoP';
		headers[name] = token ? (bound ? `DPoP ${token}` : prefix ? `${prefix} ${token}` : token) : EXPIRED_MARKER;
		const target = bound ? absoluteUrl(requestOptions) : undefined;
		if (target) headers.DPoP = dpopSignerFor(dpopKey as string).proof(requestOptions.method ?? 'GET', target, token);
		return { ...requestOptions, headers };
	};
}
