// Flow-library scorecard points and editor conventions: package metadata, every non-config node in
// an examples/ flow (and each example loads in a runtime), an .html with help sections and an
// icon for every node, the config nodes' shared editor script loaded from resources/ (and shipped
// by `files`), unique type names, no runtime dependencies.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { helper, NODES, tempUserDir, useSettings } from '../../node-red/support/helper';

const ROOT = path.join(__dirname, '..', '..', '..');
// the Node-RED package's manifest (scripts/pack.js stages it with dist/, examples/, resources/)
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', 'node-red', 'package.json'), 'utf8'));
const nodes: Record<string, string> = pkg['node-red'].nodes;
const CONFIG = ['deployteq-oauth2', 'zendesk-chat-oauth2', 'oauth2-client'];
const ACTION = ['deployteq-webhook', 'zendesk-chat', 'oauth2-request', 'oauth2-health'];
const EDITOR_SCRIPT = 'resources/node-red-contrib-oauth2-connectors/oauth2-editor.js';
const DESCRIPTIONS_SCRIPT = 'resources/node-red-contrib-oauth2-connectors/oauth2-descriptions.js';
const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.json'));

afterEach(async () => {
  await helper.unload();
});

test('package metadata for the flow library', () => {
  expect(pkg.keywords).toContain('node-red');
  expect(pkg.license).toBeTruthy();
  // only the Node-RED versions the tests run: 4.1 (runtime, helper, browser) and 5.0 (runtime, palette install)
  expect(pkg['node-red'].version).toBe('^4.1.0 || ~5.0.0');
  expect(pkg.engines.node).toBeTruthy();
  expect(pkg.dependencies ?? {}).toEqual({});
  expect(Object.keys(nodes).sort()).toEqual([...CONFIG, ...ACTION].sort());
  for (const file of Object.values(nodes)) {
    expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, file.replace(/\.js$/, '.html')))).toBe(true);
  }
});

test('every non-config node is used in an examples/ flow; every example loads', async () => {
  const used = new Set<string>();
  for (const file of examples) {
    const flow = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8')) as Array<{ type: string }>;
    flow.forEach((n) => used.add(n.type));
  }
  for (const type of ACTION) expect(used).toContain(type);
  // the debug node needs the editor's comms, which the test helper lacks: stand in with the helper node
  const core = ['common/20-inject.js', 'common/25-catch.js', 'common/90-comment.js', 'function/10-switch.js', 'function/80-template.js'].map((file) => require(`@node-red/nodes/core/${file}`));
  for (const file of examples) {
    useSettings(tempUserDir());
    const flow = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8')) as Array<{ id: string; type: string; z?: string }>;
    const onTab = flow.map((n) => (n.type === 'debug' ? { id: n.id, z: 'tab1', type: 'helper' } : CONFIG.includes(n.type) ? n : { ...n, z: 'tab1' }));
    await helper.load([...NODES, ...core], [{ id: 'tab1', type: 'tab', label: 'example' }, ...onTab]);
    const missing = flow.filter((n) => n.type !== 'comment' && !helper.getNode(n.id)).map((n) => `${file}: ${n.type}`);
    expect(missing).toEqual([]);
    await helper.unload();
  }
});

test('editor files: help in the style guide sections, icons present, shared script loaded from resources/', () => {
  for (const type of Object.keys(nodes)) {
    const html = fs.readFileSync(path.join(ROOT, 'node-red', `${type}.html`), 'utf8');
    // the help lives where the core nodes keep theirs: locales/en-US/<file>.html beside the node
    const help = fs.readFileSync(path.join(ROOT, 'node-red', 'locales', 'en-US', `${type}.html`), 'utf8');
    expect(help).toContain(`data-help-name="${type}"`);
    expect(html).not.toContain('data-help-name');
    expect(html).toContain(`data-template-name="${type}"`);
    expect(help).toContain('<h3>Details</h3>');
    expect(help).toContain('<h3>References</h3>');
    if (ACTION.includes(type)) {
      // the style guide's Inputs section, for nodes that have an input
      if (!/inputs:\s*0\b/.test(html)) expect(help).toContain('<h3>Inputs</h3>');
      expect(help).toContain('<h3>Outputs</h3>');
      const icon = /icon:\s*'([^']+)'/.exec(html)?.[1] as string;
      expect(fs.existsSync(path.join(ROOT, 'node-red', 'icons', icon))).toBe(true);
    } else {
      // the dialog (rows, password credentials, Authorize, redirect URI) is rendered from the settings schema by the shared script
      expect(html).toContain(`.schemaNode('${type}'`);
      // one served copy (runtime.test.ts fetches it through a running editor), not an inlined one
      expect(html).toContain(`<script type="text/javascript" src="${EDITOR_SCRIPT}"></script>`);
      // option lists and defaults come from the provider descriptions, loaded before the definition
      expect(html.indexOf(DESCRIPTIONS_SCRIPT)).toBeGreaterThan(-1);
      expect(html.indexOf(DESCRIPTIONS_SCRIPT)).toBeLessThan(html.indexOf('RED.nodes.registerType('));
      expect(html).not.toContain('function callbackUrl');
    }
  }
  expect(fs.readFileSync(path.join(ROOT, 'resources', 'oauth2-editor.js'), 'utf8')).toContain('window.OAuth2ConnectorsEditor = {');
});

test('the package ships the editor scripts where Node-RED serves module resources from', () => {
  // Node-RED serves <package root>/resources/ at resources/<package name>/; without the file the
  // editor waits for the script's load event forever and the palette never finishes loading
  expect(EDITOR_SCRIPT).toBe(`resources/${pkg.name}/oauth2-editor.js`);
  const { nodeRed } = JSON.parse(fs.readFileSync(path.join(ROOT, 'build', 'packages.json'), 'utf8'));
  const files = execFileSync('tar', ['tzf', nodeRed.tarball], { encoding: 'utf8' }).trim().split('\n');
  expect(files).toEqual(expect.arrayContaining(['package/resources/oauth2-editor.js', 'package/resources/oauth2-descriptions.js']));
});

test('credentials are declared as password (secrets) in the runtime too', async () => {
  useSettings(tempUserDir());
  const flow = CONFIG.map((type, i) => ({ id: `c${i}`, type, clientId: 'x', tokenUrl: 'https://as.example.test/token' }));
  await helper.load(NODES, flow, {});
  const registry = helper._redNodes;
  expect(registry.getCredentialDefinition('deployteq-oauth2')).toEqual({ clientSecret: { type: 'password' } });
  expect(registry.getCredentialDefinition('zendesk-chat-oauth2')).toEqual({ clientSecret: { type: 'password' }, username: { type: 'text' }, password: { type: 'password' } });
  const generic = registry.getCredentialDefinition('oauth2-client');
  for (const secret of ['clientSecret', 'privateKey', 'password', 'refreshToken']) expect(generic[secret]).toEqual({ type: 'password' });
});
