// Issue #16 item 6: the Node-RED nodes keep their help and their dialogs' labels where the core
// nodes keep theirs, node-red/locales/en-US/: every data-i18n key of a dialog is in the node's
// catalog (or is core's common "Name"), and no label of a dialog holds text of its own.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { NODE_RED_CONFIG_TYPES, NODE_RED_TYPES } from '../../lib/providers/registry';

const DIR = path.join(__dirname, '..', '..', 'node-red');
const ACTIONS = NODE_RED_TYPES.filter((t) => !(NODE_RED_CONFIG_TYPES as readonly string[]).includes(t));
const CORE = new Set(['node-red:common.label.name']);

function lookup(catalog: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), catalog);
}

describe.each(ACTIONS)('%s', (type) => {
  const html = fs.readFileSync(path.join(DIR, `${type}.html`), 'utf8');
  const template = html.slice(html.indexOf(`data-template-name="${type}"`));
  const catalog = JSON.parse(fs.readFileSync(path.join(DIR, 'locales', 'en-US', `${type}.json`), 'utf8')) as Record<string, unknown>;

  it('every data-i18n key of its dialog is in its catalog', () => {
    const keys = [...template.matchAll(/data-i18n="(?:\[[a-z]+\])?([^"]+)"/g)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(2);
    const missing = keys.filter((k) => !CORE.has(k) && typeof lookup(catalog, k) !== 'string');
    expect(missing).toEqual([]);
  });

  it('its labels and placeholders hold no text of their own', () => {
    const texts = [...template.matchAll(/<label[^>]*>(?:<i class="[^"]*"><\/i>)?\s*([^<\s][^<]*)<\/label>/g)].map((m) => m[1]).filter((t) => t !== '&nbsp;');
    expect(texts).toEqual([]);
    expect(template).not.toMatch(/placeholder="/);
  });
});
