/**
 * Every node in the shipped example flows must open valid in the editor, including flows saved
 * before a setting existed (its property is then missing). Runs each editor file's registration
 * script in a VM with Node-RED's validator semantics and checks every example node against it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';

const ROOT = path.join(__dirname, '..', '..');
type Validate = (this: Record<string, unknown>, value: unknown) => boolean;
type Definition = { defaults: Record<string, { value: unknown; required?: boolean; validate?: Validate }> };

function loadDefinitions(): Map<string, Definition> {
  const definitions = new Map<string, Definition>();
  const RED = {
    nodes: { registerType: (type: string, definition: Definition) => definitions.set(type, definition) },
    // Node-RED's own semantics: regex tests the value as given (undefined becomes "undefined")
    validators: {
      regex: (re: RegExp) => (value: unknown) => re.test(value as string),
      number: () => (value: unknown) => String(value ?? '') === '' || !Number.isNaN(Number(value)),
      typedInput: () => () => true,
    },
    _: (key: string) => key,
  };
  for (const file of fs.readdirSync(path.join(ROOT, 'node-red')).filter((f) => f.endsWith('.html'))) {
    const html = fs.readFileSync(path.join(ROOT, 'node-red', file), 'utf8');
    const scripts = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    for (const code of scripts) vm.runInNewContext(code, { RED, window: {}, $: () => ({}) }, { filename: file });
  }
  return definitions;
}

describe('example flows open valid in the editor', () => {
  const definitions = loadDefinitions();
  const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.json'));

  it('found the definitions and the examples', () => {
    expect([...definitions.keys()].sort()).toEqual(['deployteq-oauth2', 'deployteq-webhook', 'oauth2-client', 'oauth2-request', 'zendesk-chat', 'zendesk-chat-oauth2']);
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  it.each(examples)('%s', (file) => {
    const nodes = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8')) as Array<Record<string, unknown>>;
    const invalid: string[] = [];
    for (const node of nodes) {
      const definition = definitions.get(node.type as string);
      if (!definition) continue; // core nodes
      for (const [name, spec] of Object.entries(definition.defaults)) {
        if (spec.validate && !spec.validate.call(node, node[name])) invalid.push(`${node.type}.${name}=${JSON.stringify(node[name])}`);
      }
    }
    expect(invalid).toEqual([]);
  });

  it('a flow saved before the optional settings existed still validates', () => {
    for (const [type, definition] of definitions) {
      const node: Record<string, unknown> = { type };
      for (const [name, spec] of Object.entries(definition.defaults)) if (spec.required) node[name] = spec.value;
      const invalid = Object.entries(definition.defaults)
        .filter(([name, spec]) => !spec.required && spec.validate && !spec.validate.call(node, node[name]))
        .map(([name]) => `${type}.${name}`);
      expect(invalid).toEqual([]);
    }
  });
});
