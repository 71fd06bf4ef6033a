import type { IAllExecuteFunctions, ICredentialDataDecryptedObject } from 'n8n-workflow';

import { SlidingWindowLimiter } from '../../../lib/providers/rate-limiter';
import { zendeskChatEndpoints } from '../../../lib/providers/zendesk-chat';
import { ZendeskChatApi } from '../../../lib/providers/zendesk-chat-api';
import { n8nAuthorizedFetch, type CredentialUse } from '../../shared/authorized-fetch';

export const ZENDESK_CHAT_CREDENTIAL_STANDARD = 'zendeskChatOAuth2Api';
export const ZENDESK_CHAT_CREDENTIAL_LOGIN = 'zendeskChatPasswordOAuth2Api';

/** The credential the node is set to use (`authentication` parameter). */
export function zendeskChatCredential(context: IAllExecuteFunctions): CredentialUse {
	const authentication = context.getNodeParameter('authentication', 0, 'oAuth2') as string;
	return authentication === 'password'
		? { type: ZENDESK_CHAT_CREDENTIAL_LOGIN, oauth2: false }
		: { type: ZENDESK_CHAT_CREDENTIAL_STANDARD, oauth2: true };
}

/** API base URL from the credential's location fields (subdomain, host, custom base URL). */
export function apiBaseUrlOf(credentials: ICredentialDataDecryptedObject): string {
	const text = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());
	return zendeskChatEndpoints({
		subdomain: text(credentials.subdomain) || undefined,
		host: credentials.host === 'legacy' ? 'legacy' : 'current',
		baseUrl: text(credentials.baseUrl) || undefined,
	}).apiBaseUrl;
}

/**
 * The shared `ZendeskChatApi` over n8n's authenticated requests: stays under 200 requests a minute
 * and waits out 429 (and 502/503) answers after their `Retry-After`.
 */
export async function zendeskChatApi(context: IAllExecuteFunctions): Promise<ZendeskChatApi> {
	const credential = zendeskChatCredential(context);
	const credentials = await context.getCredentials(credential.type);
	const fetch = n8nAuthorizedFetch(context, credential, { statuses: [429, 502, 503] });
	const signal = 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal?.() : undefined;
	return new ZendeskChatApi(fetch, apiBaseUrlOf(credentials), {
		limiter: new SlidingWindowLimiter(200, 60_000),
		signal,
	});
}
