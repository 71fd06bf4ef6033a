import type { IAllExecuteFunctions } from 'n8n-workflow';

import { N8N_HOST } from '../../../hosts/n8n/host';
import { zendeskChatLimiter } from '../../../lib/providers/zendesk-chat/limiter';
import { zendeskChatApiBaseUrlOf } from '../../../lib/providers/zendesk-chat/settings';
import { ZendeskChatApi } from '../../../lib/providers/zendesk-chat/api';
import { n8nAuthorizedFetch, type CredentialUse, type N8nAuthorizedFetch } from '../../../hosts/n8n/authorized-fetch';

export const ZENDESK_CHAT_CREDENTIAL_STANDARD = 'zendeskChatOAuth2Api';
export const ZENDESK_CHAT_CREDENTIAL_LOGIN = 'zendeskChatPasswordOAuth2Api';

/** The credential the node is set to use (`authentication` parameter). */
export function zendeskChatCredential(context: IAllExecuteFunctions): CredentialUse {
	const authentication = context.getNodeParameter('authentication', 0, 'oAuth2') as string;
	return authentication === 'password'
		? { type: ZENDESK_CHAT_CREDENTIAL_LOGIN, oauth2: false }
		: { type: ZENDESK_CHAT_CREDENTIAL_STANDARD, oauth2: true };
}

export interface ZendeskChatConnection {
	api: ZendeskChatApi;
	/** The fetch under `api`: its `redact` knows the credential's secrets (for `toNodeError`). */
	fetch: N8nAuthorizedFetch;
}

/**
 * The shared `ZendeskChatApi` over n8n's authenticated requests: stays under the documented rate limit,
 * waits out the answers its reads retry (`RETRY_STATUSES.read`) after their `Retry-After`, reads answers up to
 * `maxResponseBytes` (default 64 MiB).
 */
export async function zendeskChatApi(context: IAllExecuteFunctions, options: { maxResponseBytes?: number } = {}): Promise<ZendeskChatConnection> {
	const credential = zendeskChatCredential(context);
	const fetch = n8nAuthorizedFetch(context, credential, { maxResponseBytes: options.maxResponseBytes });
	const credentials = await context.getCredentials(credential.type);
	const signal = 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal?.() : undefined;
	const api = new ZendeskChatApi(fetch, zendeskChatApiBaseUrlOf(credentials), {
		limiter: zendeskChatLimiter(N8N_HOST),
		signal,
	});
	return { api, fetch };
}
