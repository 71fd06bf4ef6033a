// A real n8n for the end-to-end tests: installed once into the tool cache (scripts/n8n.js), one
// throw-away user folder per test file with this package symlinked in as a community package, and
// the CLI (import:credentials, import:workflow, execute --rawOutput). Outputs are redacted before
// they reach an assertion message.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Redactor } from '../../../lib/oauth2/redact';

const n8nScript = require('../../../scripts/n8n.js') as {
  N8N_VERSION: string;
  PACKAGE_NAME: string;
  PACKAGE_ROOT: string;
  ensureN8n(): { dir: string; bin: string; version: string };
  createUserFolder(dir?: string, options?: { tarball?: string }): string;
  n8nEnv(userFolder: string, extra?: Record<string, string>): Promise<NodeJS.ProcessEnv>;
  stopAll(): void;
  runN8n(n8n: { bin: string }, args: string[], env: NodeJS.ProcessEnv, options?: { timeoutMs?: number }): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
  parseExecuteOutput(stdout: string): unknown;
};

export const PACKAGE_NAME = n8nScript.PACKAGE_NAME;
export const N8N_VERSION = n8nScript.N8N_VERSION;

export interface NodeRun {
  data?: { main?: Array<Array<{ json: Record<string, unknown>; pairedItem?: unknown }> | null> };
  error?: { message?: string; description?: string };
  executionStatus?: string;
}

export interface ExecutionResult {
  status?: string;
  data: { resultData: { runData: Record<string, NodeRun[]>; error?: { message?: string } } };
}

/** One execution as `run` saw it. The raw output stays inside: only `printed` looks at it. */
export interface CapturedRun {
  /** The execution result n8n printed, if any. */
  result?: ExecutionResult;
  succeeded: boolean;
  /** What n8n printed, redacted (safe to show in a failure). */
  output: string;
  durationMs: number;
  /** Highest resident set size (VmHWM) of the n8n process seen while it ran, in MiB; 0 if never sampled. */
  peakRssMb: number;
  /** The n8n process passed `rssLimitMb` and was killed (the run did not end on its own). */
  killedForMemory: boolean;
  /** Whether a value appears verbatim in anything n8n printed (stdout or stderr). */
  printed(value: string): boolean;
}

export interface CredentialImport {
  id: string;
  name: string;
  type: string;
  data: Record<string, unknown>;
}

export class N8nHarness {
  readonly redactor = new Redactor();
  private readonly secrets = new Set<string>();
  private n8n!: { bin: string; version: string };
  private env!: NodeJS.ProcessEnv;
  private work!: string;
  userFolder!: string;

  /**
   * Installs (or finds) n8n and prepares an isolated user folder with the staged package linked in,
   * or with `tarball` installed by npm as an admin would.
   */
  async setup(options: { tarball?: string } = {}): Promise<void> {
    this.n8n = n8nScript.ensureN8n();
    this.work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-'));
    this.userFolder = n8nScript.createUserFolder(path.join(this.work, 'user'), options);
    // info: n8n logs why an execution failed only at this level (the JSON result still comes last)
    this.env = await n8nScript.n8nEnv(this.userFolder, { N8N_LOG_LEVEL: 'info' });
  }

  get version(): string {
    return this.n8n.version;
  }

  /** Remembers secrets so they are cut out of any output shown in a failure. */
  secret(...values: Array<string | undefined>): void {
    this.redactor.add(...values);
    for (const value of values) if (value && value.length >= 6) this.secrets.add(value);
  }

  /** Fails when a known secret or token appears verbatim in what n8n printed. */
  private assertNoSecrets(text: string, what: string): void {
    const leaked = [...this.secrets].filter((value) => text.includes(value)).length;
    if (leaked) throw new Error(`${leaked} known secret value(s) appeared in the output of ${what}`);
  }

  private async cli(args: string[], what: string): Promise<string> {
    const result = await n8nScript.runN8n(this.n8n, args, this.env, { timeoutMs: 240_000 });
    if (result.code !== 0) {
      throw new Error(`n8n ${what} failed (exit ${result.code ?? result.signal}): ${this.redactor.redact((result.stderr + result.stdout).slice(-3000))}`);
    }
    return result.stdout;
  }

  private writeJson(name: string, value: unknown): string {
    const file = path.join(this.work, name);
    fs.writeFileSync(file, JSON.stringify(value, null, 2));
    return file;
  }

  async importCredentials(credentials: CredentialImport[]): Promise<void> {
    const file = this.writeJson(`credentials-${Date.now()}.json`, credentials);
    try {
      await this.cli(['import:credentials', `--input=${file}`], 'import:credentials');
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  async importWorkflow(workflow: Record<string, unknown>): Promise<void> {
    const file = this.writeJson(`workflow-${String(workflow.id)}.json`, workflow);
    await this.cli(['import:workflow', `--input=${file}`], 'import:workflow');
  }

  /**
   * Runs a workflow with `n8n execute --id … --rawOutput` and returns the parsed result. The exit
   * code alone proves nothing: the JSON's status and every node's run are checked.
   */
  async execute(workflowId: string): Promise<ExecutionResult> {
    const result = await n8nScript.runN8n(this.n8n, ['execute', `--id=${workflowId}`, '--rawOutput'], this.env, { timeoutMs: 240_000 });
    this.assertNoSecrets(result.stdout + result.stderr, `execute ${workflowId}`);
    const parsed = n8nScript.parseExecuteOutput(result.stdout) as ExecutionResult | undefined;
    const shown = () => this.redactor.redact(`${result.stderr}\n${result.stdout}`.slice(-4000));
    if (!parsed || typeof parsed !== 'object' || !parsed.data?.resultData) {
      throw new Error(`n8n execute printed no execution result (exit ${result.code}): ${shown()}`);
    }
    if (parsed.data.resultData.error || (parsed.status !== undefined && parsed.status !== 'success')) {
      throw new Error(`execution not successful (status ${parsed.status}): ${this.redactor.redact(JSON.stringify(parsed.data.resultData.error ?? {}))}`);
    }
    return parsed;
  }

  /**
   * Runs a workflow that must fail and returns n8n's (redacted) output, which carries the error.
   * Throws if the execution succeeded.
   */
  async executeExpectingFailure(workflowId: string): Promise<string> {
    const result = await n8nScript.runN8n(this.n8n, ['execute', `--id=${workflowId}`, '--rawOutput'], this.env, { timeoutMs: 240_000 });
    const parsed = n8nScript.parseExecuteOutput(result.stdout) as ExecutionResult | undefined;
    this.assertNoSecrets(result.stdout + result.stderr, `execute ${workflowId}`);
    if (parsed?.status === 'success' && !parsed.data?.resultData?.error) throw new Error('the execution succeeded but was expected to fail');
    return this.redactor.redact(`${result.stdout}\n${result.stderr}`);
  }

  /**
   * Runs a workflow and captures everything about it without judging it: the result, the output,
   * the duration and the n8n process's peak memory (sampled from /proc every 100 ms; the process is
   * killed if it passes `rssLimitMb`, so a runaway run cannot take the machine).
   */
  async run(workflowId: string, options: { timeoutMs?: number; rssLimitMb?: number } = {}): Promise<CapturedRun> {
    const sampler = new RssSampler(this.n8n.bin, options.rssLimitMb ?? 3000);
    const started = Date.now();
    sampler.start();
    let result;
    try {
      result = await n8nScript.runN8n(this.n8n, ['execute', `--id=${workflowId}`, '--rawOutput'], this.env, { timeoutMs: options.timeoutMs ?? 240_000 });
    } finally {
      sampler.stop();
    }
    const durationMs = Date.now() - started;
    const raw = `${result.stdout}\n${result.stderr}`;
    const parsed = n8nScript.parseExecuteOutput(result.stdout) as ExecutionResult | undefined;
    return {
      result: parsed,
      succeeded: parsed?.status === 'success' && !parsed.data?.resultData?.error,
      output: this.redactor.redact(raw),
      durationMs,
      peakRssMb: sampler.peakMb,
      killedForMemory: sampler.killed,
      printed: (value: string) => value.length > 0 && raw.includes(value),
    };
  }

  /**
   * Whether a value is stored verbatim in n8n's database (executions with their data, logs of
   * workflow runs). Credentials are stored encrypted, so a token found here came from execution data.
   */
  storedInDatabase(value: string): boolean {
    const dir = path.join(this.userFolder, '.n8n');
    const needle = Buffer.from(value, 'utf8');
    return fs.readdirSync(dir)
      .filter((name) => name.startsWith('database.sqlite'))
      .some((name) => fs.readFileSync(path.join(dir, name)).includes(needle));
  }

  /** Items a node output on its first run (main output 0). */
  static items(result: ExecutionResult, nodeName: string): Array<{ json: Record<string, unknown>; pairedItem?: unknown }> {
    const runs = result.data.resultData.runData[nodeName];
    if (!runs?.length) throw new Error(`node "${nodeName}" did not run`);
    if (runs[0].error) throw new Error(`node "${nodeName}" failed: ${runs[0].error.message}`);
    return runs[0].data?.main?.[0] ?? [];
  }

  /** The credential row's decrypted data as n8n stores it (export:credentials --decrypted). */
  async exportCredential(id: string): Promise<Record<string, unknown>> {
    const file = path.join(this.work, `export-${id}.json`);
    try {
      await this.cli(['export:credentials', `--id=${id}`, '--decrypted', `--output=${file}`], 'export:credentials');
      const list = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ data: Record<string, unknown> }>;
      return list[0].data;
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  cleanup(): void {
    n8nScript.stopAll();
    if (this.work) fs.rmSync(this.work, { recursive: true, force: true });
  }
}

/**
 * Samples the peak memory of the n8n process this test process started (a child whose command line
 * runs the n8n binary), from /proc (Linux). Kills it, by its pid, above the limit.
 */
class RssSampler {
  peakMb = 0;
  killed = false;
  private timer: NodeJS.Timeout | undefined;
  private pid: number | undefined;

  constructor(private readonly bin: string, private readonly limitMb: number) {}

  start(): void {
    if (process.platform !== 'linux') return;
    this.timer = setInterval(() => this.sample(), 100);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }

  private findChild(): number | undefined {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid !== process.pid) continue;
        if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(this.bin)) return Number(entry);
      } catch {
        // gone meanwhile
      }
    }
    return undefined;
  }

  private sample(): void {
    try {
      this.pid ??= this.findChild();
      if (this.pid === undefined) return;
      const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
      this.peakMb = Math.max(this.peakMb, Math.round(kb('VmHWM') / 1024));
      if (kb('VmRSS') / 1024 > this.limitMb && !this.killed) {
        this.killed = true;
        process.kill(this.pid, 'SIGKILL');
      }
    } catch {
      // the process ended between two samples
    }
  }
}

/** A 16-character workflow id, as n8n expects. */
export function workflowId(name: string): string {
  return (name.replace(/[^A-Za-z0-9]/g, '') + 'XXXXXXXXXXXXXXXX').slice(0, 16);
}

export function manualTrigger(): Record<string, unknown> {
  return { id: 'n-manual', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
}

/** A workflow whose nodes run one after another in the given order from a manual trigger. */
/** A workflow whose one node ("Me") is n8n's own HTTP Request node signed by an Advanced OAuth2 credential. */
export function advancedHttpWorkflow(name: string, credential: { id: string; name: string }, url: string): Record<string, unknown> {
  return chainWorkflow(name, [
    {
      name: 'Me',
      type: 'n8n-nodes-base.httpRequest',
      typeVersion: 4.2,
      credentials: { advancedOAuth2Api: { id: credential.id, name: credential.name } },
      parameters: { url, authentication: 'predefinedCredentialType', nodeCredentialType: 'advancedOAuth2Api', options: {} },
    },
  ]);
}

export function chainWorkflow(name: string, nodes: Array<Record<string, unknown>>): Record<string, unknown> {
  const all: Array<Record<string, unknown>> = [manualTrigger(), ...nodes.map((n, i) => ({ id: `n-${i}`, position: [200 * (i + 1), 0], ...n }))];
  const connections: Record<string, unknown> = {};
  for (let i = 0; i < all.length - 1; i++) {
    connections[String(all[i].name)] = { main: [[{ node: String(all[i + 1].name), type: 'main', index: 0 }]] };
  }
  return { id: workflowId(name), name, active: false, nodes: all, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}
