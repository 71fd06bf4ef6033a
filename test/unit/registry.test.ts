// Issue #16 item 4: every list of providers comes from the registry (lib/providers/registry.ts).
// Lists that a host wants literal (the package manifests, the n8n trigger's option list) are
// compared with it here, and a scan fails when provider identifiers are listed anywhere else.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { N8N_CREDENTIALS, N8N_NODES, NODE_RED_CONFIG_TYPES, NODE_RED_TYPES, PROVIDERS } from '../../lib/providers/registry';
import { CONFIG_TYPES, CREDENTIALS } from '../../hosts/node-red/builders';
import { OAuth2CredentialHealthTrigger } from '../../nodes/OAuth2CredentialHealthTrigger/OAuth2CredentialHealthTrigger.node';
import { OAUTH2_CREDENTIALS, PREAUTH_CREDENTIALS } from '../../nodes/OAuth2CredentialHealthTrigger/snapshot';
import { filesContaining } from '../support/source-files';

const ROOT = path.join(__dirname, '..', '..');
const manifest = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', name, 'package.json'), 'utf8'));
const className = (name: string) => name[0].toUpperCase() + name.slice(1);

describe('the provider registry is the one list', () => {
  it("the n8n manifest lists exactly the registry's credentials and nodes", () => {
    const n8n = manifest('n8n').n8n as { credentials: string[]; nodes: string[] };
    expect([...n8n.credentials].sort()).toEqual(N8N_CREDENTIALS.map((c) => `dist/credentials/${className(c.name)}.credentials.js`).sort());
    expect([...n8n.nodes].sort()).toEqual(N8N_NODES.map((n) => `dist/nodes/${n}/${n}.node.js`).sort());
  });

  it("the Node-RED manifest lists exactly the registry's node types", () => {
    const nodes = manifest('node-red')['node-red'].nodes as Record<string, string>;
    expect(Object.keys(nodes).sort()).toEqual([...NODE_RED_TYPES].sort());
    for (const [type, file] of Object.entries(nodes)) expect(file).toBe(`dist/node-red/${type}.js`);
  });

  it("each n8n credential's class has the registry's name and display name", () => {
    for (const entry of N8N_CREDENTIALS) {
      const mod = require(path.join(ROOT, 'credentials', `${className(entry.name)}.credentials`)) as Record<string, new () => { name: string; displayName: string; extends?: string[] }>;
      const credential = new mod[className(entry.name)]();
      expect([credential.name, credential.displayName]).toEqual([entry.name, entry.displayName]);
      // n8n's own OAuth2 credentials extend oAuth2Api; the engine ones run preAuthentication
      expect(entry.kind === 'oauth2' ? credential.extends : 'preAuthentication' in credential).toEqual(entry.kind === 'oauth2' ? ['oAuth2Api'] : true);
    }
  });

  it("the health trigger's option list (a literal n8n's lint wants) and its credentials are the registry's", () => {
    const description = new OAuth2CredentialHealthTrigger().description;
    const options = description.properties.find((p) => p.name === 'authentication')?.options as Array<{ name: string; value: string }>;
    expect(options.map((o) => [o.value, o.name]).sort()).toEqual(N8N_CREDENTIALS.map((c) => [c.name, c.displayName]).sort());
    expect((description.credentials ?? []).map((c) => c.name).sort()).toEqual(N8N_CREDENTIALS.map((c) => c.name).sort());
    expect([...OAUTH2_CREDENTIALS, ...PREAUTH_CREDENTIALS].sort()).toEqual(N8N_CREDENTIALS.map((c) => c.name).sort());
  });

  it("Node-RED's config types and their credential fields are the registry's", () => {
    expect(CONFIG_TYPES).toEqual(NODE_RED_CONFIG_TYPES);
    for (const p of PROVIDERS) expect(Object.keys(CREDENTIALS[p.nodeRed.config])).toEqual(Object.keys(p.nodeRed.secrets));
  });

  it('no product file lists two provider identifiers outside the registry (the checked literals above aside)', () => {
    const ids = [...NODE_RED_TYPES, ...N8N_CREDENTIALS.map((c) => c.name), ...N8N_NODES];
    const quoted = `['"](?:${ids.map((id) => id.replace(/[-]/g, '\\-')).join('|')})['"]`;
    // an array literal (no nested brackets) that names two of them
    const list = new RegExp(`\\[[^\\[\\]]*?${quoted}[^\\[\\]]*?${quoted}[^\\[\\]]*?\\]`);
    const allowed = new Set([path.join('lib', 'providers', 'registry.ts'), path.join('nodes', 'OAuth2CredentialHealthTrigger', 'OAuth2CredentialHealthTrigger.node.ts'), path.join('resources', 'oauth2-descriptions.js')]);
    const offenders = filesContaining(list, /\.(ts|js|html)$/, ['lib', 'hosts', 'nodes', 'credentials', 'node-red', 'resources']).filter((file) => !allowed.has(file));
    expect(offenders).toEqual([]);
  });
});
