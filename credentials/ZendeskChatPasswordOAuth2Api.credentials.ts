import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import { engineTokenAuthenticate, fetchTokenSet, TOKEN_STATE_PROPERTIES, tokenFields } from '../hosts/n8n/engine-token';
import { apiUrlExpression, zendeskChatLocationProperties, zendeskChatPasswordSetup, zendeskChatScopesProperties } from '../hosts/n8n/zendesk-chat-fields';

/**
 * Zendesk Chat with the password grant (Chat-only accounts, confidential API client), which n8n's
 * OAuth2 does not offer. The engine fetches tokens in `preAuthentication` over n8n's HTTP client;
 * n8n saves them and runs it again after a 401. Refresh tokens are single use: the newest is kept.
 */
export class ZendeskChatPasswordOAuth2Api implements ICredentialType {
	name = 'zendeskChatPasswordOAuth2Api';

	displayName = 'Zendesk Chat Password OAuth2 API';

	icon = 'file:icons/zendeskChat.svg' as const;

	documentationUrl = 'https://developer.zendesk.com/api-reference/live-chat/chat-api/';

	properties: INodeProperties[] = [
		{
			displayName:
				'For Chat-only accounts with a confidential API client. Prefer the Zendesk Chat OAuth2 API credential (sign in) where you can.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		...zendeskChatLocationProperties,
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Email',
			name: 'username',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			required: true,
			description: 'Email address of the Chat agent n8n acts as',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		...zendeskChatScopesProperties,
		...TOKEN_STATE_PROPERTIES,
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		const { config, grant } = zendeskChatPasswordSetup(credentials);
		const tokens = await fetchTokenSet(this, config, grant, { presentedToken: typeof credentials.accessToken === 'string' ? credentials.accessToken : undefined });
		return tokenFields(tokens);
	}

	/** `Authorization: Bearer <token>`, the token decided per call (see `engineTokenAuthenticate`). */
	authenticate = engineTokenAuthenticate(zendeskChatPasswordSetup, () => ({ name: 'Authorization', prefix: 'Bearer' }));

	test: ICredentialTestRequest = {
		request: {
			url: apiUrlExpression('$credentials', '/account'),
			method: 'GET',
		},
	};
}
