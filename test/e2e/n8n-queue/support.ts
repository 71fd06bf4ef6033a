// Helpers of the queue-mode test: the REST API of n8n main, workflows that start from a production
// webhook (main enqueues them, a worker runs them), which worker ran an execution (from the workers'
// own logs), and a recording proxy in front of the provider sandbox that tells which n8n process sent
// each request (the connection's owner, from /proc) and keeps every token the sandbox issued (for the
// leak check).
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { N8nRest as SharedRest, unflatten } from '../n8n/rest';

export interface N8nProcess {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
  output(): string;
}

export interface Service {
  port: number;
  password: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export const n8nScript = require('../../../scripts/n8n.js') as {
  PACKAGE_NAME: string;
  ensureN8n(): { dir: string; bin: string; version: string };
  startQueueCluster(
    n8n: { bin: string },
    options: { postgres: Service; redis: Service; workers?: number; concurrency?: number; extraEnv?: Record<string, string>; maxLifetimeMs?: number },
  ): Promise<{ main: N8nProcess; workers: N8nProcess[]; stop(): Promise<void> }>;
  stopAll(): void;
};

export const services = require('../../../scripts/services.js') as {
  startPostgres(options?: { maxLifetimeMs?: number }): Promise<Service>;
  startRedis(options?: { maxLifetimeMs?: number }): Promise<Service>;
  stopAll(): Promise<void>;
};

/** The REST API of n8n main (the shared client), with what the queue-mode test does through it. */
export class N8nRest extends SharedRest {
  constructor(base: string) {
    super(base, 'queue-test-browser');
  }

  async createCredential(name: string, type: string, data: Record<string, unknown>): Promise<{ id: string; name: string }> {
    const created = await this.call<{ id: string }>('POST', '/credentials', { name, type, data });
    return { id: created.id, name };
  }

  /**
   * Creates a workflow and activates it. n8n 2.x publishes an activated workflow asynchronously (an
   * outbox main works off): with `webhookPath`, this waits (bounded) until main has registered that
   * POST webhook — a GET then answers "not registered for GET requests" instead of "not registered".
   * Returns the workflow's id.
   */
  async activeWorkflow(workflow: Record<string, unknown>, webhookPath?: string): Promise<string> {
    const created = await this.call<{ id: string; versionId: string }>('POST', '/workflows', workflow);
    await this.call('POST', `/workflows/${created.id}/activate`, { versionId: created.versionId });
    if (webhookPath) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const probe = await fetch(`${this.base}/webhook/${webhookPath}`, { signal: AbortSignal.timeout(10_000) });
        const text = await probe.text();
        if (text.includes('not registered for GET requests')) break;
        if (Date.now() > deadline) throw new Error(`the webhook ${webhookPath} of workflow ${created.id} was not registered within 60 s: ${text.slice(0, 300)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    return created.id;
  }

  /** The executions of a workflow (at most 100, newest first). */
  async executions(workflowId: string): Promise<ExecutionSummary[]> {
    const list = await this.call<{ results: ExecutionSummary[] }>('GET', `/executions?limit=100&filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`);
    return list.results;
  }

  /** Waits (bounded, polling) until a workflow has at least `count` finished executions; returns them oldest first. */
  async finishedExecutions(workflowId: string, count: number, timeoutMs = 120_000): Promise<ExecutionSummary[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const done = (await this.executions(workflowId)).filter((e) => !['new', 'running', 'waiting'].includes(e.status));
      if (done.length >= count) return done.sort((a, b) => Number(a.id) - Number(b.id));
      if (Date.now() > deadline) throw new Error(`only ${done.length} of ${count} executions of workflow ${workflowId} finished within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** One execution's data (n8n's flatted format, parsed). */
  async executionData(id: string): Promise<Record<string, unknown>> {
    const full = await this.call<{ data: string }>('GET', `/executions/${id}`);
    return unflatten(full.data);
  }
}

export interface ExecutionSummary {
  id: string;
  status: string;
  mode: string;
  startedAt: string;
  stoppedAt?: string;
  workflowId: string;
}

/** A workflow started by a production webhook on main (POST /webhook/<path>), answering with the last node's output. */
export function webhookWorkflow(name: string, path: string, nodes: Array<Record<string, unknown>>): Record<string, unknown> {
  const trigger = {
    id: `${path}-webhook`, name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: randomUUID(),
    parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
  };
  const all: Array<Record<string, unknown>> = [trigger, ...nodes.map((n, i) => ({ id: `${path}-n${i}`, position: [200 * (i + 1), 0], ...n }))];
  const connections: Record<string, unknown> = {};
  for (let i = 0; i < all.length - 1; i++) connections[String(all[i].name)] = { main: [[{ node: String(all[i + 1].name), type: 'main', index: 0 }]] };
  return { name, active: false, nodes: all, connections, settings: { executionOrder: 'v1' } };
}

/** Calls a production webhook on main; resolves the HTTP status and body (never throws on a status). */
export async function callWebhook(mainUrl: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${mainUrl}/webhook/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(120_000),
  });
  return { status: res.status, text: await res.text() };
}

/** Runs `total` tasks with at most `concurrency` in flight; results in task order. */
export async function pool<T>(total: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(total);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, async () => {
    while (next < total) {
      const i = next++;
      results[i] = await task(i);
    }
  }));
  return results;
}

/**
 * Which worker ran each execution: a worker logs "Worker started execution <id> (job <n>)" (n8n's
 * scaling/job-processor, level info). Returns execution id → worker label ('worker1', 'worker2').
 */
export function executionsByWorker(workers: Array<{ label: string; output(): string }>): Map<string, string> {
  const map = new Map<string, string>();
  for (const worker of workers) {
    for (const match of worker.output().matchAll(/Worker started execution (\d+) \(job /g)) {
      const previous = map.get(match[1]);
      map.set(match[1], previous && previous !== worker.label ? `${previous}+${worker.label}` : worker.label);
    }
  }
  return map;
}

/** Counts per label, e.g. { worker1: 11, worker2: 9 }. */
export function tally(labels: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const label of labels) out[label] = (out[label] ?? 0) + 1;
  return out;
}

export interface ProxyEvent {
  /** Which n8n process sent it (a label given to `watch`), or '?' when none owns the connection. */
  who: string;
  method: string;
  path: string;
  status: number;
  /** When the request arrived and when its answer was complete (ms since the epoch). */
  receivedAt: number;
  answeredAt: number;
  /** For token requests: the grant_type sent. */
  grantType?: string;
  /** A short fingerprint (not the token) of the bearer token the request carried, if any. */
  usedToken?: string;
  /** For token answers: the fingerprint of the access token issued. */
  issuedToken?: string;
}

/** A short, one-way fingerprint of a token, to tell tokens apart in figures without showing them. */
export function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 8);
}

/**
 * A recording HTTP proxy on 127.0.0.1 in front of the sandbox. Each connection is attributed to the
 * process that owns its client socket (Linux: /proc/net/tcp gives the socket inode, /proc/<pid>/fd
 * the owner) among the processes given to `watch`. Token answers are read to remember every access
 * and refresh token the sandbox issued (`issuedTokens`), for the leak check; nothing is printed.
 */
export class RecordingProxy {
  readonly events: ProxyEvent[] = [];
  readonly issuedTokens = new Set<string>();
  private readonly watched = new Map<number, string>();
  private readonly owners = new WeakMap<Socket, string>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private server!: http.Server;
  url = '';

  constructor(private readonly targetPort: number) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.forward(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  watch(pid: number, label: string): void {
    this.watched.set(pid, label);
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Events since `from` (an index into `events`), optionally only those matching. */
  since(from: number, match?: (e: ProxyEvent) => boolean): ProxyEvent[] {
    return this.events.slice(from).filter((e) => !match || match(e));
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const receivedAt = Date.now();
    const who = this.ownerOf(req.socket);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const isToken = /\/(oauth2\/(chat\/)?token|oauth2\/refresh)$/.test(req.url ?? '');
      const grantType = isToken ? new URLSearchParams(body.toString('utf8')).get('grant_type') ?? undefined : undefined;
      const upstream = http.request({
        host: '127.0.0.1', port: this.targetPort, method: req.method, path: req.url, headers: req.headers, agent: this.agent,
      }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => parts.push(chunk));
        answer.on('end', () => {
          const payload = Buffer.concat(parts);
          const issued = isToken ? this.remember(payload) : undefined;
          const bearer = /^Bearer (.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
          this.events.push({
            who, method: req.method ?? '', path: (req.url ?? '').split('?')[0], status: answer.statusCode ?? 0, receivedAt, answeredAt: Date.now(), grantType,
            usedToken: bearer ? fingerprint(bearer) : undefined, issuedToken: issued ? fingerprint(issued) : undefined,
          });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(payload);
        });
      });
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  }

  /** Remembers the tokens of a token answer; returns the access token issued, if any. */
  private remember(payload: Buffer): string | undefined {
    try {
      const parsed = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
      for (const key of ['access_token', 'refresh_token']) if (typeof parsed[key] === 'string') this.issuedTokens.add(parsed[key] as string);
      return typeof parsed.access_token === 'string' ? parsed.access_token : undefined;
    } catch {
      return undefined; // not JSON: nothing issued
    }
  }

  private ownerOf(socket: Socket): string {
    const known = this.owners.get(socket);
    if (known) return known;
    const who = this.lookUp(socket.remotePort ?? 0, (this.server.address() as AddressInfo).port);
    this.owners.set(socket, who);
    return who;
  }

  /** The watched process whose socket is 127.0.0.1:<clientPort> → 127.0.0.1:<serverPort>. */
  private lookUp(clientPort: number, serverPort: number): string {
    try {
      const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
      const local = `0100007F:${hex(clientPort)}`;
      const remote = `0100007F:${hex(serverPort)}`;
      let inode = '';
      for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n')) {
        const cols = line.trim().split(/\s+/);
        if (cols[1] === local && cols[2] === remote) inode = cols[9];
      }
      if (!inode) return '?';
      const needle = `socket:[${inode}]`;
      for (const [pid, label] of this.watched) {
        const dir = `/proc/${pid}/fd`;
        for (const fd of fs.readdirSync(dir)) {
          try {
            if (fs.readlinkSync(`${dir}/${fd}`) === needle) return label;
          } catch {
            // closed meanwhile
          }
        }
      }
    } catch {
      // not Linux, or the process is gone
    }
    return '?';
  }
}

/** The JSON of the items a node output on its first run (main output 0). */
export function nodeItems(data: Record<string, unknown>, nodeName: string): Array<Record<string, unknown>> {
  const runData = (data.resultData as { runData: Record<string, Array<{ data?: { main?: Array<Array<{ json: Record<string, unknown> }>> } }>> }).runData;
  const runs = runData[nodeName];
  if (!runs?.length) throw new Error(`node "${nodeName}" did not run`);
  return (runs[0].data?.main?.[0] ?? []).map((item) => item.json);
}

/** The error message of a failed execution, if any. */
export function executionError(data: Record<string, unknown>): string | undefined {
  const error = (data.resultData as { error?: { message?: string; description?: string } }).error;
  return error ? `${error.message ?? ''}${error.description ? ` (${error.description})` : ''}` : undefined;
}
