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
 *   A crash leaves either the old or the new file, never a torn one. A crash between the fsync and
 *   the rename leaves the newest tokens in the temp file: reading looks at those too, takes the
 *   newest copy that decrypts (authenticated), puts it in place and removes the rest.
 * - Writes of one node are serialised, and a token set never replaces a newer one of the same client
 *   (a configuration that was replaced may still finish its refresh after its successor did).
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isoDate } from '../../lib/oauth2/time';
import type { RefusedSearch } from '../../lib/oauth2/auth-search';
import type { TokenSet } from '../../lib/oauth2/types';
import type { RedSettings } from './red';
import type { KeptRegistration } from './registration';

export const STORE_DIR_NAME = '.oauth2-connectors';
const KEY_FILE = 'store.key';
/** Part of the key derivation since the first release (the package's former name): never change it, or stored tokens become unreadable. */
const HKDF_SALT = 'n8n-nodes-oauth2-connectors';
const FORMAT = 'oauth2-connectors-tokens/1';

export interface StoredEntry {
  nodeId: string;
  /** Increases with every write of this node's entry (the newest copy wins after a crash). */
  revision?: number;
  /** Binds the tokens to the client they were issued to (type, client id, token URL, grant). */
  fingerprint: string;
  /** Absent when the entry only remembers a refused client authentication. */
  tokens?: TokenSet;
  savedAt: number;
  /** The refresh token was rejected: the user must authorize again. */
  reauthorizationRequired?: boolean;
  /** `auto` client authentication was refused with every method (kept beside the learned method, which the tokens carry). */
  refusedAuthSearch?: RefusedSearch;
  /** A dynamically registered client's secrets (its own entry: `registration:<node id>`). */
  registration?: KeptRegistration;
  /** The node's DPoP private key (RFC 9449): kept with its tokens, through every later write of the entry. */
  dpopKey?: string;
}

/**
 * Token times as valid dates: an entry written before lifetimes were capped may hold null (an
 * infinite lifetime serialised) or a time past the last date; such a time is "unknown", never
 * "expired".
 */
function withValidTimes(entry: StoredEntry): StoredEntry {
  if (!entry.tokens) return entry;
  const tokens = { ...entry.tokens };
  for (const key of ['expiresAt', 'obtainedAt', 'refreshExpiresAt'] as const) {
    const value = tokens[key] as unknown;
    if (value !== undefined && isoDate(value) === undefined) delete tokens[key];
  }
  return { ...entry, tokens };
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

/** Temp files of `file`: `.<name>.<pid>.<random>.tmp` in the same directory. */
function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

function tempFilesOf(file: string): Array<{ path: string; pid: number }> {
  const prefix = `.${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(file));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'))
    .map((name) => ({ path: path.join(path.dirname(file), name), pid: Number(name.slice(prefix.length).split('.')[0]) }));
}

/** A temp file another live process may still be writing (ours never: our writes are synchronous). */
function busy(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes `content` fully and durably to a temp file; returns its path (not yet in place). */
export function writeTemp(file: string, content: string | Buffer, mode = 0o600): string {
  const tmp = tempName(file);
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return tmp;
}

function writeFileAtomic(file: string, content: string | Buffer, mode = 0o600): void {
  const tmp = writeTemp(file, content, mode);
  try {
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  fsyncDir(path.dirname(file));
}

function deriveKey(secret: string, label: string): Key {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from(HKDF_SALT), Buffer.from(`node-red token store v1 ${label}`), 32));
  return { id: `${label}:${createHash('sha256').update(key).digest('hex').slice(0, 12)}`, key };
}

/** A file name for a node id: ids are usually hex, but never trust them as path parts. */
function fileNameFor(nodeId: string): string {
  const safe = /^[A-Za-z0-9._-]{1,80}$/.test(nodeId) && !nodeId.startsWith('.') ? nodeId : createHash('sha256').update(nodeId).digest('hex');
  return `tokens-${safe}.json`;
}

export class TokenStore {
  readonly dir: string;
  private readonly queues = new Map<string, Promise<unknown>>();

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
    return this.load(nodeId).entry;
  }

  /**
   * The newest readable copy of a node's entry (the file, or a temp file a crash left behind, which
   * is then put in place), and whether something was there that could not be read: a damaged,
   * tampered or foreign-key file must not be mistaken for "no tokens yet".
   */
  load(nodeId: string): { entry?: StoredEntry; unreadable?: string } {
    const file = this.fileFor(nodeId);
    const candidates = [{ path: file, pid: 0 }, ...tempFilesOf(file).filter((t) => !busy(t.pid))];
    let best: { path: string; entry: StoredEntry } | undefined;
    let unreadable: string | undefined;
    for (const candidate of candidates) {
      const result = this.decryptFile(candidate.path, nodeId);
      if (result.entry) {
        if (!best || newer(result.entry, best.entry)) best = { path: candidate.path, entry: result.entry };
      } else if (result.problem && candidate.path === file) {
        unreadable = result.problem;
      }
    }
    this.settle(file, candidates, best?.path);
    return { entry: best?.entry, unreadable: best ? undefined : unreadable };
  }

  /** After a crash: the newest copy goes in place, every other temp file goes. */
  private settle(file: string, candidates: Array<{ path: string }>, newest: string | undefined): void {
    try {
      if (newest && newest !== file) {
        fs.renameSync(newest, file);
        fsyncDir(this.dir);
      }
      for (const candidate of candidates) if (candidate.path !== file && candidate.path !== newest) fs.rmSync(candidate.path, { force: true });
    } catch {
      // read-only or vanished: the next read tries again
    }
  }

  private decryptFile(file: string, nodeId: string): { entry?: StoredEntry; problem?: string } {
    let raw: string;
    try {
      raw = fs.readFileSync(file, 'utf8');
    } catch {
      return {};
    }
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      return { problem: 'the file is damaged (not complete JSON)' };
    }
    if (!envelope || envelope.format !== FORMAT) return { problem: 'the file is not a token store file of this package' };
    for (const key of this.keys(false)) {
      if (envelope.keyId && envelope.keyId !== key.id) continue;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(envelope.iv, 'base64'));
        decipher.setAAD(Buffer.from(nodeId, 'utf8'));
        decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
        const plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
        const entry = JSON.parse(plain.toString('utf8')) as StoredEntry;
        if (entry.nodeId !== nodeId) return { problem: 'the file belongs to another node' };
        return { entry: withValidTimes(entry) };
      } catch {
        // wrong key or tampered file: try the next key
      }
    }
    return { problem: 'the file cannot be decrypted (the credential key changed, or the file was altered)' };
  }

  /**
   * Encrypts and writes a node's entry atomically; resolves once it is on disk, with false when it
   * was not written because the store holds newer tokens of the same client.
   */
  write(entry: StoredEntry): Promise<boolean> {
    return this.serialise(entry.nodeId, () => {
      this.ensureDir();
      const current = this.load(entry.nodeId).entry;
      if (current && current.fingerprint === entry.fingerprint && (current.tokens?.obtainedAt ?? 0) > (entry.tokens?.obtainedAt ?? 0)) return false;
      const stored: StoredEntry = { ...entry, dpopKey: entry.dpopKey ?? current?.dpopKey, revision: (current?.revision ?? 0) + 1 };
      const [key] = this.keys(true);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key.key, iv);
      cipher.setAAD(Buffer.from(entry.nodeId, 'utf8'));
      const data = Buffer.concat([cipher.update(JSON.stringify(stored), 'utf8'), cipher.final()]);
      const envelope: Envelope = { format: FORMAT, keyId: key.id, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
      writeFileAtomic(this.fileFor(entry.nodeId), JSON.stringify(envelope));
      return true;
    });
  }

  /** Deletes a node's entry (the config node was removed). */
  remove(nodeId: string): Promise<void> {
    return this.serialise(nodeId, () => {
      const file = this.fileFor(nodeId);
      fs.rmSync(file, { force: true });
      for (const temp of tempFilesOf(file)) if (!busy(temp.pid)) fs.rmSync(temp.path, { force: true });
      fsyncDir(this.dir);
    });
  }

  private serialise<T>(nodeId: string, run: () => T): Promise<T> {
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

/** The newer of two copies: by revision, then by when it was saved. */
function newer(a: StoredEntry, b: StoredEntry): boolean {
  if ((a.revision ?? 0) !== (b.revision ?? 0)) return (a.revision ?? 0) > (b.revision ?? 0);
  return a.savedAt > b.savedAt;
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
