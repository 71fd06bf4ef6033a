// Parent side of runtime-child.js: starts an embedded Node-RED in a child process (any Node binary
// and Node-RED install), logs in through adminAuth, deploys flows through the admin API.
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export interface RuntimeOptions {
  nodeBin?: string;
  nodeRedDir: string;
  userDir: string;
  port?: number;
  httpAdminRoot?: string;
  credentialSecret?: string;
  admin?: { username: string; password: string };
  maxLifetimeMs?: number;
  /** Link the staged package into the user dir before starting (default true). */
  linkPackage?: boolean;
  /** Let the palette manager install modules (POST /nodes). */
  allowInstall?: boolean;
}

export interface Runtime {
  url: string;
  port: number;
  adminUrl: string;
  version: string;
  token: string | undefined;
  child: ChildProcess;
  login(): Promise<void>;
  admin(method: string, pathname: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown; text: string }>;
  deploy(flows: unknown[], type?: 'full' | 'reload'): Promise<void>;
  stop(): Promise<void>;
}

const CHILD = path.join(__dirname, 'runtime-child.js');
const { NODE_RED_PACKAGE, ensureStaged } = require('../../../scripts/packages.js') as { NODE_RED_PACKAGE: { name: string; dir: string }; ensureStaged(): unknown };

/** The staged Node-RED package (scripts/pack.js): what users install, linked into the runtime's user dir. */
export const PACKAGE_DIR = NODE_RED_PACKAGE.dir;
export const PACKAGE_NAME = NODE_RED_PACKAGE.name;

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  ensureStaged();
  const config = { packageDir: PACKAGE_DIR, packageName: PACKAGE_NAME, credentialSecret: 'runtime-credential-secret', maxLifetimeMs: 5 * 60_000, ...options };
  const child = fork(CHILD, [], {
    execPath: options.nodeBin ?? process.execPath,
    execArgv: [],
    env: { ...process.env, NR_CHILD_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const ready = await new Promise<{ port: number; version: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Node-RED did not start in time:\n${output}`)), 60_000);
    child.once('message', (m: { type: string; port?: number; version?: string; message?: string }) => {
      clearTimeout(timer);
      if (m.type === 'ready') resolve({ port: m.port as number, version: m.version as string });
      else reject(new Error(`Node-RED failed to start: ${m.message}\n${output}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Node-RED exited with ${code}:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${ready.port}`;
  const root = `/${(options.httpAdminRoot ?? '/').replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
  const runtime: Runtime = {
    url,
    port: ready.port,
    adminUrl: url + root,
    version: ready.version,
    token: undefined,
    child,
    async login() {
      if (!options.admin) return;
      const res = await fetch(`${runtime.adminUrl}auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: 'node-red-admin', grant_type: 'password', scope: '*', username: options.admin.username, password: options.admin.password }),
      });
      if (res.status !== 200) throw new Error(`admin login failed: HTTP ${res.status}`);
      runtime.token = ((await res.json()) as { access_token: string }).access_token;
    },
    async admin(method, pathname, body, headers = {}) {
      const h: Record<string, string> = { ...headers };
      if (runtime.token) h.authorization = `Bearer ${runtime.token}`;
      if (body !== undefined) h['content-type'] = 'application/json';
      const res = await fetch(runtime.adminUrl + pathname.replace(/^\//, ''), { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed, text };
    },
    async deploy(flows, type = 'full') {
      const res = await runtime.admin('POST', 'flows', { flows }, { 'Node-RED-API-Version': 'v2', 'Node-RED-Deployment-Type': type });
      if (res.status !== 200) throw new Error(`deploy failed: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    },
    async stop() {
      if (child.connected) child.disconnect();
      if (await exited(child, 8000)) return;
      child.kill('SIGKILL');
      await exited(child, 3000);
    },
  };
  return runtime;
}
