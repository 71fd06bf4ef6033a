// The zendesk-chat node's editor in a real browser (Debian chromium via playwright-core) against an
// embedded Node-RED 4.1: the resource and operation selects and the fields come from the catalog
// the build writes to resources/oauth2-descriptions.js; a node saved with the earlier operation
// names opens on the current one with its old field values; saving writes `params`.
import { ZENDESK_CHAT_CATALOG } from '../../../lib/providers/zendesk-chat/catalog';
import { startEditorBrowser, type Any, type EditorBrowser } from '../../node-red/support/editor-browser';

jest.setTimeout(180_000);

const ADMIN = { username: 'admin', password: 'editor-test-password' };
let editor: EditorBrowser;

beforeAll(async () => {
  editor = await startEditorBrowser(ADMIN, 'nr-zd-editor-');
}, 15 * 60_000);

afterAll(async () => {
  await editor?.close();
});

const openEditor = () => editor.openEditor('zendesk-chat');

const options = (page: Any, select: string): Promise<Array<[string, string]>> =>
  page.$$eval(`${select} option`, (els: Any[]) => els.map((el) => [el.value, el.textContent]));
const visibleParams = (page: Any): Promise<Array<[string, string]>> =>
  page.$$eval('#zc-params input', (els: Any[]) => els.map((el) => [el.getAttribute('data-param'), el.value]));

test('editor: selects and fields from the catalog; an old node opens on the current operation; saving writes params', async () => {
  const page = await openEditor();
  const served = await page.evaluate(() => (window as Any).OAuth2ConnectorsDescriptions?.zendeskChat?.operations?.length);
  expect(served).toBe(ZENDESK_CHAT_CATALOG.length);
  const src = await page.$$eval('script[src*="oauth2-descriptions.js"]', (els: Any[]) => els.map((el) => el.src));
  expect(src.length).toBeGreaterThan(0);
  for (const s of src) expect(s).toBe(`${editor.runtime.adminUrl}resources/node-red-contrib-oauth2-connectors/oauth2-descriptions.js`);

  // a node as the earlier editor saved it: getMany with chat IDs in the old "ids" field
  await page.evaluate(() => {
    const RED = (window as Any).RED;
    RED.view.importNodes([{ id: 'zc00000000000001', type: 'zendesk-chat', name: '', zendesk: '', resource: 'chat', operation: 'getMany', itemId: '', ids: '2406.1,2406.2', query: '', startTime: '', pageSize: 1000, fields: '', limit: 0, outputMode: 'all', x: 240, y: 120, wires: [] }], { generateIds: false });
    RED.editor.edit(RED.nodes.node('zc00000000000001'));
  });
  await page.waitForSelector('#zc-params input[data-param="chatIds"]', { state: 'visible' });

  const resources = [...new Map(ZENDESK_CHAT_CATALOG.map((op) => [op.resource, op.resourceName])).entries()].sort((a, b) => a[1].localeCompare(b[1]));
  expect(await options(page, '#node-input-resource')).toEqual(resources);
  expect(await page.inputValue('#node-input-resource')).toBe('chat');
  const chatOps = ZENDESK_CHAT_CATALOG.filter((op) => op.resource === 'chat').map((op) => [op.operation, op.name] as [string, string]).sort((a, b) => a[1].localeCompare(b[1]));
  expect(await options(page, '#node-input-operation')).toEqual(chatOps);
  expect(await page.inputValue('#node-input-operation')).toBe('getByIds');
  expect(await visibleParams(page)).toEqual([['chatIds', '2406.1,2406.2']]);
  expect(await page.isVisible('.zc-list >> nth=0')).toBe(true);
  expect(await page.isVisible('.zc-paged')).toBe(false);
  expect(await page.textContent('#zc-op-tip')).toContain('Not confirmed by public sources');

  // another resource and operation: its fields, the paged-list rows
  await page.selectOption('#node-input-resource', 'agentTimeline');
  expect(await page.inputValue('#node-input-operation')).toBe('incrementalExport');
  expect((await visibleParams(page)).map(([name]) => name)).toEqual(['startTime', 'fields']);
  expect(await page.getAttribute('#zc-param-fields', 'placeholder')).toContain('agent_timeline(*)');
  expect(await page.isVisible('.zc-paged')).toBe(true);
  await page.selectOption('#node-input-resource', 'agent');
  expect(await page.inputValue('#node-input-operation')).toBe('getAll');
  expect(await visibleParams(page)).toEqual([]);
  await page.selectOption('#node-input-operation', 'getByEmail');
  expect(await page.isVisible('.zc-list >> nth=0')).toBe(false);
  await page.fill('#zc-param-email', '  admin@acme.test ');
  await page.click('#node-dialog-ok');

  const saved = await page.evaluate(() => {
    const n = (window as Any).RED.nodes.node('zc00000000000001');
    return { resource: n.resource, operation: n.operation, params: n.params };
  });
  expect(saved).toEqual({ resource: 'agent', operation: 'getByEmail', params: { email: 'admin@acme.test' } });

  // reopening (once the closed dialog is gone) shows the saved value
  await page.waitForSelector('#zc-params', { state: 'detached' });
  await page.evaluate(() => (window as Any).RED.editor.edit((window as Any).RED.nodes.node('zc00000000000001')));
  await page.waitForSelector('#zc-param-email', { state: 'visible' });
  expect(await page.inputValue('#zc-param-email')).toBe('admin@acme.test');
  await page.click('#node-dialog-cancel');
  await page.close();
});
