// Issue #16 items 2 and 6: the three Node-RED config dialogs come from their providers' settings
// schemas through the shared editor script: no config .html carries a template of its own, and a
// new node gets the defaults, validators and credential fields the released dialogs had.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';

import { EDITOR_DESCRIPTIONS } from '../../lib/providers/editor-descriptions';
import { PROVIDERS } from '../../lib/providers/registry';

const ROOT = path.join(__dirname, '..', '..');
type Definition = { defaults: Record<string, { value: unknown; required?: boolean; validate?: (v: unknown) => boolean }>; credentials: Record<string, { type: string }> };

function definitionOf(type: string): Definition {
  const definitions = new Map<string, Definition>();
  const RED = { nodes: { registerType: (t: string, d: Definition) => definitions.set(t, d) } };
  const window = { OAuth2ConnectorsDescriptions: EDITOR_DESCRIPTIONS };
  vm.runInNewContext(fs.readFileSync(path.join(ROOT, 'resources', 'oauth2-editor.js'), 'utf8'), { window, $: () => ({}) });
  const html = fs.readFileSync(path.join(ROOT, 'node-red', `${type}.html`), 'utf8');
  for (const [, code] of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) vm.runInNewContext(code, { RED, window, $: () => ({}) });
  const definition = definitions.get(type);
  if (!definition) throw new Error(`${type} did not register`);
  return definition;
}

const values = (d: Definition) => Object.fromEntries(Object.entries(d.defaults).map(([name, v]) => [name, v.value]));
const required = (d: Definition) => Object.entries(d.defaults).filter(([, v]) => v.required).map(([name]) => name).sort();
const lifecycle = { keepAliveHours: '', revokeOnRemove: false };

describe('the Node-RED config dialogs come from the settings schemas', () => {
  it.each(PROVIDERS.map((p) => p.nodeRed.config))('%s: its .html has no template of its own (the shared script fills it)', (type) => {
    const html = fs.readFileSync(path.join(ROOT, 'node-red', `${type}.html`), 'utf8');
    expect(html).toContain(`<script type="text/html" data-template-name="${type}"></script>`);
    expect(html).not.toMatch(/node-config-input-/);
  });

  it('deployteq-oauth2: the released defaults and credentials', () => {
    const d = definitionOf('deployteq-oauth2');
    expect(values(d)).toEqual({
      name: '', grantType: 'client_credentials', authBaseUrl: 'https://auth.clang.cloud', clientId: '', scopes: 'apps.webhook:execute',
      allowedHosts: 'webhook.myclang.com, *.myclang.com, *.clang.cloud, *.deployteq.net, *.canopydeploy.net', ...lifecycle,
    });
    expect(required(d)).toEqual(['authBaseUrl', 'clientId']);
    expect(d.credentials).toEqual({ clientSecret: { type: 'password' } });
  });

  it('zendesk-chat-oauth2: the released defaults and credentials', () => {
    const d = definitionOf('zendesk-chat-oauth2');
    expect(values(d)).toEqual({ name: '', host: 'current', subdomain: '', baseUrl: '', grantType: 'authorization_code', clientId: '', scopes: 'read', ...lifecycle });
    expect(required(d)).toEqual(['clientId']);
    expect(d.credentials).toEqual({ clientSecret: { type: 'password' }, username: { type: 'text' }, password: { type: 'password' } });
  });

  it("keep-alive hours: empty or a positive number", () => {
    const validate = definitionOf('deployteq-oauth2').defaults.keepAliveHours.validate as (v: unknown) => boolean;
    expect(['', '24', '0.5', undefined].map(validate)).toEqual([true, true, true, true]);
    expect(['0', 'x', '-1'].map(validate)).toEqual([false, false, false]);
  });
});
