// The durable token store: encrypted at rest (no token or secret in the file), bound to the node id
// and the runtime's credential key, atomic (no temp files left), ordered writes, and the fallback
// key when credential encryption is disabled.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TokenStore, STORE_DIR_NAME } from '../../hosts/node-red/token-store';
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

describe('crash recovery and ordering (issue #8 items 9 and 10)', () => {
  const entry = (n: number, extra = {}) => ({ nodeId: 'n1', fingerprint: 'fp', tokens: { ...tokens(n), obtainedAt: 1_800_000_000_000 + n }, savedAt: n, ...extra });
  const temps = (store: TokenStore) => fs.readdirSync(store.dir).filter((f) => f.endsWith('.tmp'));

  test('the newest copy that reached disk wins, even when a crash left it in a temp file; other temp files go', async () => {
    const userDir = tempUserDir();
    const store = new TokenStore({ userDir, credentialSecret: 'k' });
    await store.write(entry(1));
    const older = fs.readFileSync(store.fileFor('n1'));
    await store.write(entry(2));
    // the crash: revision 2 complete and fsynced in its temp file, the rename never happened
    const dead = path.join(store.dir, `.${path.basename(store.fileFor('n1'))}.999999999.0a0b0c0d0e0f.tmp`);
    fs.renameSync(store.fileFor('n1'), dead);
    fs.writeFileSync(store.fileFor('n1'), older);
    // and a torn temp file of a write that died half way
    fs.writeFileSync(path.join(store.dir, `.${path.basename(store.fileFor('n1'))}.999999998.aaaaaaaaaaaa.tmp`), '{"format":"oauth2-conn');
    const fresh = new TokenStore({ userDir, credentialSecret: 'k' });
    expect(fresh.read('n1')?.tokens?.refreshToken).toBe(tokens(2).refreshToken);
    expect(temps(fresh)).toEqual([]);
    expect(new TokenStore({ userDir, credentialSecret: 'k' }).read('n1')?.tokens?.refreshToken).toBe(tokens(2).refreshToken);
  });

  test('a temp file of another live process is left alone', async () => {
    const userDir = tempUserDir();
    const store = new TokenStore({ userDir, credentialSecret: 'k' });
    await store.write(entry(1));
    const live = path.join(store.dir, `.${path.basename(store.fileFor('n1'))}.${process.ppid}.bbbbbbbbbbbb.tmp`);
    fs.writeFileSync(live, 'being written');
    store.read('n1');
    expect(fs.existsSync(live)).toBe(true);
  });

  test('tokens are never replaced by older ones of the same client (a replaced node finishing late)', async () => {
    const store = new TokenStore({ userDir: tempUserDir(), credentialSecret: 'k' });
    expect(await store.write(entry(5))).toBe(true);
    expect(await store.write(entry(3))).toBe(false);
    expect(store.read('n1')?.tokens?.refreshToken).toBe(tokens(5).refreshToken);
    // the same tokens marked "reconnect needed" are written; another client's tokens are too
    expect(await store.write(entry(5, { reauthorizationRequired: true }))).toBe(true);
    expect(await store.write({ ...entry(1), fingerprint: 'other' })).toBe(true);
  });

  test('load tells "unreadable" apart from "absent": damaged, truncated, foreign key', async () => {
    const userDir = tempUserDir();
    const store = new TokenStore({ userDir, credentialSecret: 'k' });
    expect(store.load('n1')).toEqual({ entry: undefined, unreadable: undefined });
    await store.write(entry(1));
    expect(new TokenStore({ userDir, credentialSecret: 'another-key' }).load('n1').unreadable).toMatch(/cannot be decrypted/);
    const raw = fs.readFileSync(store.fileFor('n1'), 'utf8');
    fs.writeFileSync(store.fileFor('n1'), raw.slice(0, raw.length / 2));
    expect(store.load('n1').unreadable).toMatch(/damaged/);
    fs.writeFileSync(store.fileFor('n1'), 'garbage');
    expect(store.load('n1').unreadable).toMatch(/damaged/);
  });

  test('12 kill -9 during continuous rotation: never torn, never older than the last durable write, no temp files left', async () => {
    const userDir = tempUserDir();
    const { spawn } = await import('node:child_process');
    const child = path.join(__dirname, 'support', 'rotation-child.js');
    let lastDurable = 0;
    for (let kill = 0; kill < 12; kill++) {
      const proc = spawn(process.execPath, [child], { env: { ...process.env, STORE_USER_DIR: userDir }, stdio: ['ignore', 'pipe', 'inherit'] });
      let acked = lastDurable;
      let buffer = '';
      proc.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('stored ')) acked = Math.max(acked, Number(line.slice(7)));
      });
      // let it rotate for a while (a different moment every time), then pull the plug
      await new Promise<void>((resolve) => {
        const started = Date.now();
        const check = setInterval(() => {
          if (acked >= lastDurable + 3 + kill * 2 || Date.now() - started > 20_000) {
            clearInterval(check);
            resolve();
          }
        }, 2 + (kill % 5));
      });
      proc.kill('SIGKILL');
      await new Promise((resolve) => proc.once('exit', resolve));
      const store = new TokenStore({ userDir, credentialSecret: 'rotation-test-key' });
      const read = store.read('rot1');
      expect(read).toBeDefined();
      const n = read?.tokens?.obtainedAt as number;
      expect(read?.tokens?.refreshToken).toBe(`rt-${n}-abcdefgh`);
      expect(n).toBeGreaterThanOrEqual(acked);
      expect(n).toBeLessThanOrEqual(acked + 1);
      expect(fs.readdirSync(store.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      lastDurable = n;
    }
    expect(lastDurable).toBeGreaterThan(30);
  }, 120_000);
});

test('an entry may hold only a refused client-authentication search (no tokens); encrypted like tokens', async () => {
  const userDir = tempUserDir();
  const store = new TokenStore({ userDir, credentialSecret: 'k' });
  const memory = { key: 'ab'.repeat(32), sent: 2 };
  await store.write({ nodeId: 'n1', fingerprint: 'fp', refusedAuthSearch: memory, savedAt: 1 });
  expect(fs.readFileSync(store.fileFor('n1'), 'utf8')).not.toContain(memory.key);
  expect(new TokenStore({ userDir, credentialSecret: 'k' }).read('n1')).toMatchObject({ nodeId: 'n1', refusedAuthSearch: memory });
  expect(store.read('n1')?.tokens).toBeUndefined();
  // new tokens of the same client replace it (the search is over)
  await store.write({ nodeId: 'n1', fingerprint: 'fp', tokens: tokens(1), savedAt: 2 });
  expect(store.read('n1')?.refusedAuthSearch).toBeUndefined();
  expect(store.read('n1')?.tokens).toEqual(tokens(1));
});
