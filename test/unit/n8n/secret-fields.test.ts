// Every masked field of the n8n credentials is redacted from node errors: the credential redactor
// pins each of them (a new secret field that is not pinned fails here).
import type { ICredentialType } from 'n8n-workflow';
import { AdvancedOAuth2Api } from '../../../credentials/AdvancedOAuth2Api.credentials';
import { DeployteqOAuth2Api } from '../../../credentials/DeployteqOAuth2Api.credentials';
import { ZendeskChatOAuth2Api } from '../../../credentials/ZendeskChatOAuth2Api.credentials';
import { ZendeskChatPasswordOAuth2Api } from '../../../credentials/ZendeskChatPasswordOAuth2Api.credentials';
import { PINNED_FIELDS } from '../../../hosts/n8n/credential-redactor';

const TOKENS = new Set(['accessToken', 'refreshToken']); // changing with every token: added, not pinned

it.each([new AdvancedOAuth2Api(), new DeployteqOAuth2Api(), new ZendeskChatOAuth2Api(), new ZendeskChatPasswordOAuth2Api()] as ICredentialType[])('$name: every masked field is pinned by the redactor', (credential) => {
  const masked = credential.properties.filter((p) => (p.typeOptions as { password?: boolean } | undefined)?.password).map((p) => p.name);
  expect(masked.filter((name) => !TOKENS.has(name) && !PINNED_FIELDS.includes(name))).toEqual([]);
});
