import type { IAllExecuteFunctions, ICredentialDataDecryptedObject } from 'n8n-workflow';

import { GENERIC_SETTINGS } from '../../lib/providers/generic/settings';
import { Redactor } from '../../lib/oauth2/redact';

/** Credential fields that are secrets for the credential's life: every secret of the generic schema (its n8n names), and the DPoP key preAuthentication saves. */
export const PINNED_FIELDS: readonly string[] = [
	...new Set(['clientSecret', 'password', 'privateKey', 'dpopPrivateKey', ...GENERIC_SETTINGS.flatMap((s) => (s.kind === 'secret' && typeof s.n8n === 'string' ? [s.n8n] : []))]),
];
/** Fields and `oauthTokenData` members that hold tokens (they change on every refresh). */
const TOKEN_FIELDS = ['accessToken', 'refreshToken'];
const OAUTH_TOKEN_MEMBERS = ['access_token', 'refresh_token', 'id_token'];

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value ? value : undefined;
}

/** Adds the secret values of decrypted credential data to a redactor. */
export function addCredentialSecrets(redactor: Redactor, data: ICredentialDataDecryptedObject | undefined): Redactor {
	if (!data) return redactor;
	redactor.pin(...PINNED_FIELDS.map((name) => text(data[name])));
	redactor.add(...TOKEN_FIELDS.map((name) => text(data[name])));
	const tokenData = data.oauthTokenData;
	if (tokenData && typeof tokenData === 'object') {
		redactor.add(...OAUTH_TOKEN_MEMBERS.map((name) => text((tokenData as Record<string, unknown>)[name])));
	}
	return redactor;
}

/**
 * A redactor that knows the actual secrets of a node's credential: the client secret, password and
 * private key pinned, the stored tokens added. `refresh()` reads the credential again, so a token
 * n8n refreshed (and saved) meanwhile is redacted too; old tokens stay redacted (bounded).
 */
export class CredentialRedactor {
	readonly redactor = new Redactor();

	constructor(
		private readonly context: IAllExecuteFunctions,
		private readonly type: string,
	) {}

	async refresh(): Promise<void> {
		try {
			addCredentialSecrets(this.redactor, await this.context.getCredentials<ICredentialDataDecryptedObject>(this.type));
		} catch {
			// no credential to read: the token-shaped patterns still apply
		}
	}

	redact = (value: string): string => this.redactor.redact(value);
}
