import type { AdminResponse } from './red';

/** Answers an admin request with JSON, never cached. */
export function json(res: AdminResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}
