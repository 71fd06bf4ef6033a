// A minimal router: exact segments and ":name" parameters.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxState } from './state';

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  state: SandboxState;
  /** Absolute base URL as the client reached the sandbox (from the Host header when plausible). */
  baseUrl: string;
}

export type Handler = (ctx: Ctx) => void | Promise<void>;

interface Route {
  methods: string[];
  segments: string[];
  handler: Handler;
}

export type RouteMatch = { kind: 'found'; handler: Handler; params: Record<string, string> } | { kind: 'method'; allowed: string[] } | { kind: 'none' };

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export class Router {
  private readonly routes: Route[] = [];

  add(methods: string | string[], path: string, handler: Handler): this {
    this.routes.push({ methods: Array.isArray(methods) ? methods : [methods], segments: split(path), handler });
    return this;
  }

  match(method: string, pathname: string): RouteMatch {
    const parts = split(pathname);
    const allowed = new Set<string>();
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.methods.includes(method) || (method === 'HEAD' && route.methods.includes('GET'))) {
        return { kind: 'found', handler: route.handler, params };
      }
      route.methods.forEach((m) => allowed.add(m));
    }
    return allowed.size ? { kind: 'method', allowed: [...allowed] } : { kind: 'none' };
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p.startsWith(':')) {
      let value: string;
      try {
        value = decodeURIComponent(parts[i]);
      } catch {
        return null;
      }
      params[p.slice(1)] = value;
    } else if (p !== parts[i]) return null;
  }
  return params;
}
