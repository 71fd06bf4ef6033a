/**
 * Durable, encrypted token storage for Node-RED config nodes.
 *
 * Node-RED writes `flows_cred.json` only on deploy, so a refresh token rotated at runtime would be
 * lost on a restart or "Restart Flows" (node-red/node-red#1055). We keep each config node's token
 * set in its own file under `<userDir>/.oauth2-connectors/`, written before the new tokens are used
 * (the engine awaits `onTokens`):
 *
 * - AES-256-GCM, key derived with HKDF-SHA256 from the runtime's credential key (`credentialSecret`
 *   or the generated `_credentialSecret`), the config node id as additional authenticated data (a
 *   file copied under another id does not decrypt). When the user disabled credential encryption
 *   (`credentialSecret: false`) or no key exists yet, a random 256-bit key in a 0600 file next to
 *   the tokens is used instead: tokens are never written in plain text.
 * - Written atomically: temp file in the same directory, fsync, rename, fsync of the directory.
 *   A crash leaves either the old or the new file, never a torn one.
 * - Writes of one node are serialised, so an older token set cannot overwrite a newer one.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TokenSet } from '../../lib/oauth2/types';
import type { RedSettings } from './red';

export const STORE_DIR_NAME = '.oauth2-connectors';
const KEY_FILE = 'store.key';
const FORMAT = 'oauth2-connectors-tokens/1';

export interface StoredEntry {
  nodeId: string;
  /** Binds the tokens to the client they were issued to (type, client id, token URL, grant). */
  fingerprint: string;
  tokens: TokenSet;
  savedAt: number;
  /** The refresh token was rejected: the user must authorize again. */
  reauthorizationRequired?: boolean;
}

interface Envelope {
  format: string;
  keyId: string;
  iv: string;
  tag: string;
  data: string;
}

interface Key {
  id: string;
  key: Buffer;
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // some file systems refuse fsync on directories; the rename is still atomic
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function writeFileAtomic(file: string, content: string | Buffer, mode = 0o600): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  fsyncDir(dir);
}

function deriveKey(secret: string, label: string): Key {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from('n8n-nodes-oauth2-connectors'), Buffer.from(`node-red token store v1 ${label}`), 32));
  return { id: `${label}:${createHash('sha256').update(key).digest('hex').slice(0, 12)}`, key };
}

/** A file name for a node id: ids are usually hex, but never trust them as path parts. */
function fileNameFor(nodeId: string): string {
  const safe = /^[A-Za-z0-9._-]{1,80}$/.test(nodeId) && !nodeId.startsWith('.') ? nodeId : createHash('sha256').update(nodeId).digest('hex');
  return `tokens-${safe}.json`;
}

export class TokenStore {
  readonly dir: string;
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly settings: RedSettings) {
    const userDir = settings.userDir || process.cwd();
    this.dir = path.join(userDir, STORE_DIR_NAME);
  }

  /** Keys to try, the one to write with first. */
  private keys(create: boolean): Key[] {
    const keys: Key[] = [];
    const configured = this.settings.credentialSecret;
    if (typeof configured === 'string' && configured) keys.push(deriveKey(configured, 'credentialSecret'));
    if (configured !== false) {
      let generated: unknown;
      try {
        generated = typeof this.settings.get === 'function' ? this.settings.get('_credentialSecret') : undefined;
      } catch {
        generated = undefined;
      }
      if (typeof generated === 'string' && generated) keys.push(deriveKey(generated, 'credentialSecret'));
    }
    const local = this.localKey(create && keys.length === 0);
    if (local) keys.push(deriveKey(local, 'local'));
    return keys;
  }

  private localKey(create: boolean): string | undefined {
    const file = path.join(this.dir, KEY_FILE);
    try {
      return fs.readFileSync(file, 'utf8').trim();
    } catch {
      if (!create) return undefined;
    }
    this.ensureDir();
    const value = randomBytes(32).toString('base64');
    try {
      fs.writeFileSync(file, value, { mode: 0o600, flag: 'wx' });
      fsyncDir(this.dir);
      return value;
    } catch {
      return fs.readFileSync(file, 'utf8').trim();
    }
  }

  private ensureDir(): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  fileFor(nodeId: string): string {
    return path.join(this.dir, fileNameFor(nodeId));
  }

  /** Reads and decrypts a node's entry; undefined when absent or unreadable with every key. */
  read(nodeId: string): StoredEntry | undefined {
    let raw: string;
    try {
      raw = fs.readFileSync(this.fileFor(nodeId), 'utf8');
    } catch {
      return undefined;
    }
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      return undefined;
    }
    if (envelope.format !== FORMAT) return undefined;
    for (const key of this.keys(false)) {
      if (envelope.keyId && envelope.keyId !== key.id) continue;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(envelope.iv, 'base64'));
        decipher.setAAD(Buffer.from(nodeId, 'utf8'));
        decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
        const plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
        const entry = JSON.parse(plain.toString('utf8')) as StoredEntry;
        if (entry.nodeId !== nodeId) return undefined;
        return entry;
      } catch {
        // wrong key or tampered file: try the next key
      }
    }
    return undefined;
  }

  /** Encrypts and writes a node's entry atomically; resolves once it is on disk. */
  write(entry: StoredEntry): Promise<void> {
    return this.serialise(entry.nodeId, () => {
      this.ensureDir();
      const [key] = this.keys(true);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key.key, iv);
      cipher.setAAD(Buffer.from(entry.nodeId, 'utf8'));
      const data = Buffer.concat([cipher.update(JSON.stringify(entry), 'utf8'), cipher.final()]);
      const envelope: Envelope = { format: FORMAT, keyId: key.id, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
      writeFileAtomic(this.fileFor(entry.nodeId), JSON.stringify(envelope));
    });
  }

  /** Deletes a node's entry (the config node was removed). */
  remove(nodeId: string): Promise<void> {
    return this.serialise(nodeId, () => {
      fs.rmSync(this.fileFor(nodeId), { force: true });
      fsyncDir(this.dir);
    });
  }

  private serialise(nodeId: string, run: () => void): Promise<void> {
    const previous = this.queues.get(nodeId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(run);
    const tail = next.catch(() => undefined);
    this.queues.set(nodeId, tail);
    void tail.then(() => {
      if (this.queues.get(nodeId) === tail) this.queues.delete(nodeId);
    });
    return next;
  }
}

const stores = new Map<string, TokenStore>();

/** One store per user directory (several runtimes in one process are only a test situation). */
export function tokenStoreFor(settings: RedSettings): TokenStore {
  const dir = path.join(settings.userDir || process.cwd(), STORE_DIR_NAME);
  let store = stores.get(dir);
  if (!store) {
    store = new TokenStore(settings);
    stores.set(dir, store);
  }
  return store;
}
