// Issue #9 item 7, n8n: the packed tarball installed with npm into a real n8n's ~/.n8n/nodes, as an
// admin of a self-hosted n8n does; n8n loads it and a workflow with its Deployteq node runs against
// the provider sandbox.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CLIENTS, startSandbox, type Sandbox } from '../../../sandbox';
import { chainWorkflow, N8nHarness, type CredentialImport } from '../n8n/harness';
import { packed } from './support';

jest.setTimeout(10 * 60_000);

const pkg = packed().n8n;
const dt = DEFAULT_CLIENTS.deployteq[0];
let sandbox: Sandbox;
const harness = new N8nHarness();

beforeAll(async () => {
  sandbox = await startSandbox({ maxLifetimeMs: 15 * 60_000 });
  await harness.setup({ tarball: pkg.tarball });
  harness.secret(dt.clientSecret);
}, 20 * 60_000);
afterAll(async () => {
  harness.cleanup();
  await sandbox?.close();
});

it('npm install of the tarball: a real package folder, not a link; n8n-workflow not installed twice', () => {
  const installed = path.join(harness.userFolder, '.n8n', 'nodes', 'node_modules', pkg.name);
  expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
  expect(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).name).toBe('n8n-nodes-oauth2-connectors');
  expect(fs.existsSync(path.join(harness.userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-workflow'))).toBe(false);
  expect(JSON.parse(fs.readFileSync(path.join(harness.userFolder, '.n8n', 'nodes', 'package.json'), 'utf8')).dependencies[pkg.name]).toMatch(/\.tgz$/);
});

it('a workflow with the installed Deployteq node delivers to the webhook with one token', async () => {
  const credential: CredentialImport = {
    id: 'installedCred001',
    name: 'Deployteq (installed package)',
    type: 'deployteqOAuth2Api',
    data: { grantType: 'clientCredentials', authHost: 'custom', customAuthBaseUrl: `${sandbox.url}/deployteq`, clientId: dt.clientId, clientSecret: dt.clientSecret, requestedScopes: ['apps.webhook:execute'] },
  };
  await harness.importCredentials([credential]);
  const workflow = chainWorkflow('installed package', [
    {
      name: 'Deployteq',
      type: `${pkg.name}.deployteq`,
      typeVersion: 1,
      credentials: { deployteqOAuth2Api: { id: credential.id, name: credential.name } },
      parameters: { resource: 'webhook', operation: 'trigger', endpointUrl: sandbox.webhookUrl('installed'), bodySource: 'raw', jsonBody: '{"email":"installed@example.test"}', delivery: 'perItem', options: {} },
    },
  ]);
  await harness.importWorkflow(workflow);
  const result = await harness.execute(String(workflow.id));
  expect(N8nHarness.items(result, 'Deployteq')).toHaveLength(1);
  expect(sandbox.deliveries.filter((d) => d.webhookId === 'installed').map((d) => d.body)).toEqual([{ email: 'installed@example.test' }]);
  expect(sandbox.counters.tokenRequestsByProviderGrant.deployteq.client_credentials).toBe(1);
});
