// Issue #16 item 2 (Zendesk Chat): one mapper from a credential's flat settings to the engine
// configuration, called by n8n's preAuthentication, the n8n health trigger, the n8n node's API base
// URL and the Node-RED config node. The same account typed in either host gives the same configuration.
import { join } from 'node:path';

import { zendeskChatPasswordSetup } from '../../hosts/n8n/zendesk-chat-fields';
import { buildConfig } from '../../hosts/node-red/builders';
import { engineSetup } from '../../nodes/OAuth2CredentialHealthTrigger/token-check';
import { ZENDESK_CHAT } from '../../lib/providers/zendesk-chat/description';
import { zendeskChatApiBaseUrlOf, zendeskChatConfigOf } from '../../lib/providers/zendesk-chat/settings';
import { filesContaining } from '../support/source-files';

const n8nData = { subdomain: ' Acme ', host: 'current', baseUrl: '', clientId: 'cid', clientSecret: 's3cr+t', username: 'agent@acme.test', password: 'pw', requestedScopes: ['read', 'chat'] };
const nodeRedSettings = { subdomain: 'acme', host: 'current', baseUrl: '', clientId: 'cid', grantType: 'password', scopes: 'read chat' };
const nodeRedCreds = { clientSecret: 's3cr+t', username: 'agent@acme.test', password: 'pw' };

describe('Zendesk Chat: one mapper for both hosts', () => {
  it('the same account in n8n and in Node-RED gives the same engine configuration and grant', () => {
    const n8n = zendeskChatPasswordSetup(n8nData);
    const nodeRed = buildConfig('zendesk-chat-oauth2', nodeRedSettings, nodeRedCreds);
    expect(nodeRed.config).toEqual(n8n.config);
    expect(nodeRed.grant).toEqual(n8n.grant);
    expect(engineSetup('zendeskChatPasswordOAuth2Api', n8nData)).toEqual(n8n);
    expect(nodeRed.apiBaseUrl).toBe(zendeskChatApiBaseUrlOf(n8nData));
    expect(n8n.config).toMatchObject({ tokenUrl: 'https://acme.zendesk.com/oauth2/chat/token', scopes: ['read', 'chat'], client: { clientId: 'cid', method: ZENDESK_CHAT.clientAuth } });
  });

  it('no scope chosen: the description default, in both hosts', () => {
    expect(zendeskChatPasswordSetup({ ...n8nData, requestedScopes: [] }).config.scopes).toEqual([...ZENDESK_CHAT.scopes.default]);
    expect(buildConfig('zendesk-chat-oauth2', { ...nodeRedSettings, scopes: '' }, nodeRedCreds).config.scopes).toEqual([...ZENDESK_CHAT.scopes.default]);
  });

  it('clear errors for an empty client ID, an empty user name and an unknown scope', () => {
    expect(() => zendeskChatConfigOf({ subdomain: 'acme' })).toThrow('The client ID is empty');
    expect(() => zendeskChatPasswordSetup({ ...n8nData, username: ' ' })).toThrow('The password grant needs a username');
    expect(() => zendeskChatConfigOf({ subdomain: 'acme', clientId: 'c', scopes: 'read,admin' })).toThrow(/Unknown Zendesk Chat scope\(s\): admin/);
  });

  it('the Zendesk Chat mapping and default scope are written nowhere else', () => {
    const copies = filesContaining(/zendeskChatOAuth2Config\(|zendeskChatEndpoints\(|\?\? \['read'\]/, /\.ts$/);
    expect(copies.filter((file) => !file.startsWith(join('lib', 'providers', 'zendesk-chat')))).toEqual([]);
  });
});
