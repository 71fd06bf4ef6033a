/**
 * The few Node-RED runtime shapes our nodes use. Node-RED ships no types of its own and we take no
 * runtime dependency on `@types/node-red`, so these are declared here, narrowly.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type NodeMessage = Record<string, unknown> & { _msgid?: string; payload?: unknown };

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export interface NodeDefinition {
  id: string;
  type: string;
  name?: string;
  z?: string;
  [key: string]: unknown;
}

export interface RedNode {
  id: string;
  type: string;
  name?: string;
  credentials: Record<string, string | undefined>;
  on(event: 'input', listener: (msg: NodeMessage, send: (msg: NodeMessage | Array<NodeMessage | null>) => void, done: (err?: Error) => void) => void): void;
  on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
  status(status: NodeStatus | Record<string, never>): void;
  error(message: unknown, msg?: NodeMessage): void;
  warn(message: unknown): void;
  log(message: unknown): void;
}

export type AdminRequest = IncomingMessage & {
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
  body?: unknown;
  protocol?: string;
};

export type AdminResponse = ServerResponse & {
  status(code: number): AdminResponse;
  json(body: unknown): void;
  send(body: unknown): void;
  set(name: string, value: string): AdminResponse;
};

export type Handler = (req: AdminRequest, res: AdminResponse, next?: (err?: unknown) => void) => void;

export interface AdminApp {
  get(path: string, ...handlers: Handler[]): void;
  post(path: string, ...handlers: Handler[]): void;
}

export interface RedSettings {
  userDir?: string;
  credentialSecret?: string | false;
  httpAdminRoot?: string | false;
  get?(name: string): unknown;
  [key: string]: unknown;
}

export interface RED {
  nodes: {
    createNode(node: object, def: NodeDefinition): void;
    registerType(type: string, constructor: (this: RedNode, def: NodeDefinition) => void, options?: { credentials?: Record<string, { type: 'text' | 'password' }> }): void;
    getNode(id: string): unknown;
    getCredentials(id: string): Record<string, string> | undefined;
    /** Every node of the deployed flows (their definitions), started or not. */
    eachNode?(callback: (node: NodeDefinition) => void): void;
  };
  httpAdmin: AdminApp;
  auth?: { needsPermission(permission: string): Handler };
  settings: RedSettings;
  util: { cloneMessage<T>(msg: T): T };
  log: { warn(message: string): void; info(message: string): void; error(message: string): void };
  comms?: { publish(topic: string, data: unknown, retain?: boolean): void };
}
