// The durable token store: encrypted at rest (no token or secret in the file), bound to the node id
// and the runtime's credential key, atomic (no temp files left), ordered writes, and the fallback
// key when credential encryption is disabled.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TokenStore, STORE_DIR_NAME } from '../../node-red/common/token-store';
import { tempUserDir } from './support/helper';

const tokens = (n: number) => ({ accessToken: `access-token-value-${n}-abcdefghijkl`, refreshToken: `refresh-token-value-${n}-abcdefghijkl`, tokenType: 'Bearer', expiresAt: 1_900_000_000_000, obtainedAt: 1_800_000_000_000, scope: 'a b' });

test('round trip; the file holds neither token in any form', async () => {
  const userDir = tempUserDir();
  const store = new TokenStore({ userDir, credentialSecret: 'secret-one' });
  await store.write({ nodeId: 'abc123', fingerprint: 'fp', tokens: tokens(1), savedAt: 1 });
  const raw = fs.readFileSync(store.fileFor('abc123'), 'utf8');
  for (const needle of ['access-token-value', 'refresh-token-value', Buffer.from('refresh-token-value').toString('base64').slice(0, 16), 'secret-one']) expect(raw).not.toContain(needle);
  expect(new TokenStore({ userDir, credentialSecret: 'secret-one' }).read('abc123')).toMatchObject({ nodeId: 'abc123', fingerprint: 'fp', tokens: tokens(1) });
  expect(fs.statSync(store.fileFor('abc123')).mode & 0o777).toBe(0o600);
  expect(fs.readdirSync(path.join(userDir, STORE_DIR_NAME)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test('another credential key, another node id or a tampered file: nothing is read', async () => {
  const userDir = tempUserDir();
  const store = new TokenStore({ userDir, credentialSecret: 'secret-one' });
  await store.write({ nodeId: 'n1', fingerprint: 'fp', tokens: tokens(1), savedAt: 1 });
  expect(new TokenStore({ userDir, credentialSecret: 'secret-two' }).read('n1')).toBeUndefined();
  fs.copyFileSync(store.fileFor('n1'), store.fileFor('n2'));
  expect(store.read('n2')).toBeUndefined();
  const envelope = JSON.parse(fs.readFileSync(store.fileFor('n1'), 'utf8'));
  const data = Buffer.from(envelope.data, 'base64');
  data[0] ^= 1;
  fs.writeFileSync(store.fileFor('n1'), JSON.stringify({ ...envelope, data: data.toString('base64') }));
  expect(store.read('n1')).toBeUndefined();
});

test('uses the runtime-generated _credentialSecret when no credentialSecret is set', async () => {
  const userDir = tempUserDir();
  const settings = { userDir, get: (name: string) => (name === '_credentialSecret' ? 'generated-key' : undefined) };
  await new TokenStore(settings).write({ nodeId: 'n1', fingerprint: 'fp', tokens: tokens(1), savedAt: 1 });
  expect(new TokenStore({ userDir, credentialSecret: 'generated-key' }).read('n1')?.tokens).toEqual(tokens(1));
  expect(fs.existsSync(path.join(userDir, STORE_DIR_NAME, 'store.key'))).toBe(false);
});

test('credential encryption disabled: still encrypted, with a local 0600 key file', async () => {
  const userDir = tempUserDir();
  const store = new TokenStore({ userDir, credentialSecret: false });
  await store.write({ nodeId: 'n1', fingerprint: 'fp', tokens: tokens(1), savedAt: 1 });
  expect(fs.readFileSync(store.fileFor('n1'), 'utf8')).not.toContain('refresh-token-value');
  const keyFile = path.join(userDir, STORE_DIR_NAME, 'store.key');
  expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
  expect(new TokenStore({ userDir, credentialSecret: false }).read('n1')?.tokens).toEqual(tokens(1));
});

test('writes of one node land in call order; remove deletes the file', async () => {
  const userDir = tempUserDir();
  const store = new TokenStore({ userDir, credentialSecret: 'k' });
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.write({ nodeId: 'n1', fingerprint: 'fp', tokens: tokens(i), savedAt: i })));
  expect(store.read('n1')?.tokens).toEqual(tokens(19));
  await store.remove('n1');
  expect(store.read('n1')).toBeUndefined();
  expect(fs.existsSync(store.fileFor('n1'))).toBe(false);
});

test('odd node ids never become path parts', () => {
  const store = new TokenStore({ userDir: tempUserDir(), credentialSecret: 'k' });
  expect(path.dirname(store.fileFor('../../etc/passwd'))).toBe(store.dir);
  expect(path.basename(store.fileFor('../../etc/passwd'))).toMatch(/^tokens-[0-9a-f]{64}\.json$/);
});
