// Helpers of the demo tests: run a demo script as a child process and watch its output.
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..', '..');
/** The sandbox's test-only secrets and passwords (sandbox/README.md): never to be printed. */
export const FIXTURE_SECRETS = ['dt-secret+%:&/x', 'dt-secret', 'zd-secret', 'gen-secret', 'agent-pass', 'user-pass'];

export interface DemoProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves the first match of `pattern` in the output (bounded); rejects when the demo exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Exit code and signal, or null when it has not exited within `timeoutMs`. */
  exit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | null>;
  /** SIGKILL if still running (for afterAll). */
  kill(): Promise<void>;
}

export function startDemo(script: string, env: Record<string, string>): DemoProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.NODE_OPTIONS;
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', script)], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const exit: DemoProcess['exit'] = (timeoutMs) => {
    if (exited()) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
  };
  return {
    child,
    output: () => text,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (match) {
            done();
            resolve(match);
          }
        };
        const onExit = (code: number | null) => {
          done();
          reject(new Error(`the demo exited (${code}) before ${pattern}:\n${text}`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${text}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.off('exit', onExit);
        };
        child.stdout?.on('data', check);
        child.once('exit', onExit);
        check();
      });
    },
    exit,
    async kill() {
      if (exited()) return;
      child.kill('SIGKILL');
      await exit(5000);
    },
  };
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export interface Counters {
  deliveries: number;
  tokenRequestsByProvider: Record<string, number>;
  apiRequestsByProvider: Record<string, number>;
}

/** Polls the sandbox's admin counters (bounded) until `ok` holds; returns the last reading. */
export async function countersUntil(sandboxUrl: string, ok: (c: Counters) => boolean, timeoutMs = 15_000): Promise<Counters> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${sandboxUrl}/_sandbox/counters`);
    if (res.status !== 200) throw new Error(`GET /_sandbox/counters: HTTP ${res.status}`);
    const c = (await res.json()) as Counters;
    if (ok(c) || Date.now() > deadline) return c;
    await new Promise((r) => setTimeout(r, 200));
  }
}
