import { parseExpiresIn } from '../../lib/oauth2/token-response';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { N8N_OAUTH2_CREDENTIALS, N8N_PREAUTH_CREDENTIALS, type N8nCredentialName, type N8nOAuth2Credential, type N8nPreAuthCredential } from '../../lib/providers/registry';
import type { CredentialKind, Snapshot } from './health';

/** The credentials the trigger watches (every credential of the provider registry): n8n's OAuth2 children, then the engine (preAuthentication) ones. */
export const OAUTH2_CREDENTIALS: readonly N8nOAuth2Credential[] = N8N_OAUTH2_CREDENTIALS;
export const PREAUTH_CREDENTIALS: readonly N8nPreAuthCredential[] = N8N_PREAUTH_CREDENTIALS;
export type WatchedCredential = N8nCredentialName;

export function isWatched(type: string): type is WatchedCredential {
	return (OAUTH2_CREDENTIALS as readonly string[]).includes(type) || (PREAUTH_CREDENTIALS as readonly string[]).includes(type);
}

export function kindOf(type: WatchedCredential, data: ICredentialDataDecryptedObject): CredentialKind {
	if ((PREAUTH_CREDENTIALS as readonly string[]).includes(type)) return 'preAuth';
	return data.grantType === 'clientCredentials' ? 'oauth2ClientCredentials' : 'oauth2Code';
}

function text(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

/** A positive finite number from a number or a numeric string ("3600"), else undefined. */
export function positive(value: unknown): number | undefined {
	const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** JSON with sorted keys, so equal data gives an equal fingerprint. */
export function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.keys(value as Record<string, unknown>)
			.sort()
			.map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`);
		return `{${entries.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/**
 * What the stored credential shows, as fingerprints and times (`fp` salts and hashes a value).
 * - oAuth2Api children: `oauthTokenData` as n8n stores it (`access_token`, `refresh_token`,
 *   `expires_in`, `refresh_token_expires_in`, `n8n_expires_at` = when n8n saved it + `expires_in`).
 * - preAuthentication credentials: `accessToken`, `refreshToken`, `tokenExpiresAt` (epoch ms, 0 unknown).
 */
export function snapshotOf(type: WatchedCredential, data: ICredentialDataDecryptedObject, fp: (value: string) => string): Snapshot {
	const kind = kindOf(type, data);
	let access = '';
	let refresh = '';
	const snap: Partial<Snapshot> = {};
	if (kind === 'preAuth') {
		access = text(data.accessToken);
		refresh = text(data.refreshToken);
		snap.accessExpiresAt = positive(data.tokenExpiresAt);
	} else {
		const tokenData = data.oauthTokenData && typeof data.oauthTokenData === 'object' ? (data.oauthTokenData as Record<string, unknown>) : {};
		access = text(tokenData.access_token);
		refresh = text(tokenData.refresh_token);
		const expiresIn = parseExpiresIn(tokenData.expires_in);
		const savedExpiry = positive(tokenData.n8n_expires_at);
		snap.accessExpiresAt = savedExpiry;
		snap.accessLifetimeSec = expiresIn;
		if (savedExpiry !== undefined && expiresIn !== undefined) snap.issuedAt = savedExpiry - expiresIn * 1000;
		// capped like every lifetime the engine parses: `1e308` means "long", never an invalid date
		snap.refreshLifetimeSec = parseExpiresIn(tokenData.refresh_token_expires_in);
	}
	const clean = Object.fromEntries(Object.entries(snap).filter(([, v]) => v !== undefined));
	return {
		kind,
		dataFp: fp(stableJson(data)),
		tokenFp: access || refresh ? fp(`${access}\u0000${refresh}`) : '',
		hasAccessToken: access !== '',
		...(access ? { accessFp: fp(access) } : {}),
		...(refresh ? { refreshFp: fp(refresh) } : {}),
		...clean,
	};
}
